"""Sending a message: storage, room and subscription counters, threads, the unread flag and the
sender's own read receipt (reference page section 1.2 and 1.3(1))."""

from __future__ import annotations

import re
from typing import Any

from .model import Message, RcUser, Receipt, Room
from .state import RcState
from .util import new_id

__all__ = ["add_receipt", "store_message"]

_MENTION = re.compile(r"(?<![\w@])@([\w.\-]+)")
_GROUP_MENTIONS = {"all", "here"}


def add_receipt(message: Message, user_id: str, now: int) -> None:
    """Store one receipt. Rocket.Chat's ordered insert would fail on a duplicate and drop the rest
    of its batch; here a duplicate is simply skipped (a knowing simplification)."""
    if user_id in message.receipt_users:
        return
    message.receipt_users.add(user_id)
    message.receipts.append(Receipt(user_id, now, now))


def store_message(
    state: RcState,
    sender: RcUser,
    room: Room,
    text: str,
    *,
    tmid: str | None = None,
    tshow: bool = False,
    extra: dict[str, Any] | None = None,
    mid: str | None = None,
) -> Message:
    """Insert a message as Rocket.Chat's sendMessage does. The caller validated access and tmid."""
    settings = state.settings
    now = state.clock.now()
    parent = state.messages.get(tmid) if tmid else None
    if parent is not None and parent.tmid:  # a reply to a reply belongs to the same thread
        parent = state.messages[parent.tmid]
    message = Message(
        id=mid or new_id(),
        rid=room.id,
        msg=text,
        ts=now,
        updated=now,
        user_id=sender.id,
        unread=settings.receipts_enabled,
        tmid=parent.id if parent is not None else None,
        tshow=tshow and parent is not None,
        extra=dict(extra or {}),
    )
    mentioned, group_mention = _mentions(state, room, text)
    message.mentions = [u.id for u in mentioned]
    state.messages[message.id] = message
    room.all_ts.append(now)
    room.all_msgs.append(message)
    if message.visible:
        room.visible_ts.append(now)
        room.visible_msgs.append(message)
        room.last_message = message
    room.update_log.append((now, message.id))
    room.update_log_ts.append(now)
    room.msgs += 1
    room.lm = now
    room.updated = now

    mentioned_ids = {u.id for u in mentioned}
    if message.visible:
        _notify_room(
            state,
            room,
            message=message,
            mentioned=mentioned_ids,
            group_mention=group_mention,
            now=now,
        )
    if parent is not None:
        _notify_thread(state, room, parent=parent, reply=message, mentioned=mentioned_ids, now=now)
    if settings.version_tuple[0] <= 7:  # <= 7.x marked the sender's subscription read on send
        sender_sub = state.subs.get((sender.id, room.id))
        if sender_sub is not None:
            sender_sub.ls = now
            sender_sub.updated = now
    if message.unread and settings.store_receipts:
        add_receipt(message, sender.id, now)
    if message.unread and list(room.members) == [sender.id]:
        message.unread = False  # the sender alone: nobody else has to read it
    return message


def _mentions(state: RcState, room: Room, text: str) -> tuple[list[RcUser], bool]:
    users: list[RcUser] = []
    group = False
    for name in _MENTION.findall(text):
        if name in _GROUP_MENTIONS:
            group = True
            continue
        user = state.users_by_name.get(name.lower())
        if user is not None and user not in users:
            users.append(user)
    return users, group


def _notify_room(
    state: RcState,
    room: Room,
    *,
    message: Message,
    mentioned: set[str],
    group_mention: bool,
    now: int,
) -> None:
    for uid in room.members:
        if uid == message.user_id:
            continue
        sub = state.subs[(uid, room.id)]
        sub.unread += 1
        sub.alert = True
        sub.open = True
        if uid in mentioned:
            sub.user_mentions += 1
        if group_mention:
            sub.group_mentions += 1
        sub.updated = now


def _notify_thread(
    state: RcState, room: Room, *, parent: Message, reply: Message, mentioned: set[str], now: int
) -> None:
    parent.tcount += 1
    parent.tlm = now
    parent.reply_ids.append(reply.id)
    # Followers: the replier, the thread's author, and members mentioned in the reply.
    for uid in (reply.user_id, parent.user_id, *sorted(mentioned)):
        if uid in room.members and uid not in parent.replies:
            parent.replies.append(uid)
    state.touch(room, parent, now)
    for uid in parent.replies:
        if uid == reply.user_id:
            continue
        sub = state.subs.get((uid, room.id))
        if sub is None:
            continue
        sub.tunread = _with(sub.tunread, parent.id)
        if uid in mentioned:
            sub.tunread_user = _with(sub.tunread_user, parent.id)
        sub.alert = True
        sub.updated = now


def _with(items: list[str] | None, item: str) -> list[str]:
    items = list(items or [])
    if item not in items:
        items.append(item)
    return items
