"""Sending messages: UserMessage rows with their initial flags, and the ``message`` events.

Initial flags follow the server:
- the sender's own row is read only with ``read_by_sender`` (whose default is true only for UI
  clients such as ``website``; ``ZulipPython`` and scripts start their own messages UNREAD);
- a recipient who muted the sender gets the message already read;
- mentions set ``mentioned`` / ``stream_wildcard_mentioned`` / ``topic_wildcard_mentioned``.
"""

from __future__ import annotations

import time
from typing import Any

from botkit.servers.zulip.events import RawJSON
from botkit.servers.zulip.markdown import render
from botkit.servers.zulip.model import (
    MENTIONED,
    READ,
    STREAM_WILDCARD,
    TOPIC_WILDCARD,
    Channel,
    Message,
    ZUser,
    flag_list,
)
from botkit.servers.zulip.payloads import message_event_json
from botkit.servers.zulip.state import RealmState

__all__ = ["UI_CLIENTS", "create_message", "deliver"]

#: Clients whose messages start read for their sender (``Client.default_read_by_sender``).
UI_CLIENTS = frozenset({"website", "ZulipMobile", "ZulipTerminal", "ZulipElectron", "ZulipDesktop"})


def _resolver(state: RealmState) -> Any:
    def resolve(name: str, user_id: int | None) -> tuple[int, str] | None:
        if user_id is not None:
            user = state.users.get(user_id)
            if user is None or not user.is_active:
                return None
            return user.id, user.full_name
        lowered = name.lower()
        for user in state.realm_users():
            if user.is_active and user.full_name.lower() == lowered:
                return user.id, user.full_name
        return None

    return resolve


def create_message(
    state: RealmState,
    sender: ZUser,
    *,
    content: str,
    client: str,
    channel: Channel | None = None,
    topic: str = "",
    dm_user_ids: tuple[int, ...] = (),
    read_by_sender: bool | None = None,
) -> tuple[Message, dict[int, int], dict[str, Any]]:
    """Store a message and its rows. Returns the message, the flag bits per recipient, and extra
    keys for the POST /messages response. Events are sent separately (:func:`deliver`)."""
    rendered, mentions = render(content, _resolver(state))
    if channel is not None:
        recipients = [uid for uid in channel.subscribers if state.users[uid].is_active]
        recipient_id = channel.recipient_id
    else:
        recipients = list(dm_user_ids)
        recipient_id = state.dm_recipient_id(dm_user_ids)
    if sender.id not in recipients:
        recipients.append(sender.id)
    message = Message(
        id=state.next_message_id(),
        sender_id=sender.id,
        content=content,
        timestamp=int(time.time()),
        client=client,
        recipient_id=recipient_id,
        type="stream" if channel is not None else "private",
        channel_id=channel.id if channel is not None else None,
        topic=topic if channel is not None else "",
        dm_user_ids=dm_user_ids,
        rendered=rendered,
    )
    extra: dict[str, Any] = {}
    topic_participants: set[int] = set()
    if channel is not None:
        key = topic.lower()
        topic_participants = channel.topic_senders.setdefault(key, set())
        if not topic_participants and not sender.is_bot:
            # A human's first message in a topic follows it (automatically_follow_topics_policy).
            extra["automatic_new_visibility_policy"] = 3
        channel.message_ids.append(message.id)
    if read_by_sender is None:
        read_by_sender = client in UI_CLIENTS
    flags: dict[int, int] = {}
    for uid in recipients:
        bits = 0
        if uid == sender.id:
            if read_by_sender:
                bits |= READ
        elif state.is_muted(uid, sender.id):
            bits |= READ
        if uid in mentions.user_ids:
            bits |= MENTIONED
        if channel is not None and mentions.stream_wildcard:
            bits |= STREAM_WILDCARD
        if mentions.topic_wildcard and uid in topic_participants:
            bits |= TOPIC_WILDCARD
        flags[uid] = bits
        state.add_row(uid, message.id, bits)
    if channel is not None:
        topic_participants.add(sender.id)
    state.messages[message.id] = message
    return message, flags, extra


def deliver(state: RealmState, message: Message, flags: dict[int, int]) -> None:
    """Push the ``message`` event to every queue that should see it."""
    hub = state.hub
    reached: set[str] = set()
    for uid, bits in flags.items():
        for q in hub.by_user.get(uid, ()):
            if not q.accepts("message"):
                continue
            if q.message_filter is not None and not q.message_filter(message, bits):
                continue
            reached.add(q.id)
            q.add_event(_event(state, message, q.apply_markdown, bits))
    if message.channel_id is None or not hub.public_listeners:
        return
    if not state.channels[message.channel_id].is_public:
        return
    for q in list(hub.public_listeners):
        if q.id in reached or not q.accepts("message"):
            continue
        if q.message_filter is not None and not q.message_filter(message, 0):
            continue
        q.add_event(_event(state, message, q.apply_markdown, 0))


def _event(state: RealmState, message: Message, apply_markdown: bool, bits: int) -> dict[str, Any]:
    raw = RawJSON(message_event_json(state, message, apply_markdown))
    return {"type": "message", "message": raw, "flags": flag_list(bits)}
