"""Changing message flags (``do_update_message_flags``) and who has read a message.

- ``add read`` on an id without a UserMessage row (nonexistent, or a public channel the user is
  not subscribed to) is a silent no-op: such messages count as ``read|historical``.
- ``remove read`` first skips messages in channels the user is not subscribed to (reported in
  ``ignored_because_not_subscribed_channels``); then, like ``add starred``, ids without a row
  need access (else "Invalid message(s)", nothing changed) and get a historical row.
- The ``update_message_flags`` event lists only ids that changed and is sent even when none did.
"""

from __future__ import annotations

from typing import Any

from botkit.servers.zulip.errors import ZulipError, invalid_messages
from botkit.servers.zulip.model import (
    EDITABLE_FLAGS,
    FLAG_BITS,
    HISTORICAL,
    INTERNAL_FLAGS,
    MENTIONED,
    READ,
    STREAM_WILDCARD,
    TOPIC_WILDCARD,
    ZUser,
)
from botkit.servers.zulip.state import RealmState

__all__ = ["read_receipt_user_ids", "update_flags", "validate_flag_op"]


def validate_flag_op(flag: str, op: str) -> None:
    """The server's three checks, in its order."""
    if flag not in FLAG_BITS or flag in INTERNAL_FLAGS:
        raise ZulipError(f"Invalid flag: '{flag}'")
    if flag not in EDITABLE_FLAGS:
        raise ZulipError(f"Flag not editable: '{flag}'")
    if op not in ("add", "remove"):
        raise ZulipError(f"Invalid message flag operation: '{op}'")


def update_flags(
    state: RealmState, user: ZUser, op: str, flag: str, message_ids: list[int]
) -> tuple[list[int], list[int]]:
    """Apply the change; returns (changed ids ascending, ignored channel ids)."""
    validate_flag_op(flag, op)
    adding = op == "add"
    bit = FLAG_BITS[flag]
    rows = state.rows[user.id]
    ids = list(dict.fromkeys(message_ids))
    ignored: set[int] = set()
    if flag == "read" and not adding:
        kept = []
        for mid in ids:
            message = state.messages.get(mid)
            channel_id = message.channel_id if message is not None else None
            if channel_id is not None and user.id not in state.channels[channel_id].subscribers:
                ignored.add(channel_id)
                continue
            kept.append(mid)
        ids = kept
    if adding != (flag == "read"):
        missing = [mid for mid in ids if mid not in rows]
        for mid in missing:
            message = state.messages.get(mid)
            if message is None or not state.has_access(user, message):
                raise invalid_messages()
        for mid in missing:
            state.add_row(user.id, mid, READ | HISTORICAL)
    changed = []
    for mid in sorted(ids):
        bits = rows.get(mid)
        if bits is None or bool(bits & bit) == adding:
            continue
        state.set_bits(user.id, mid, bits | bit if adding else bits & ~bit)
        changed.append(mid)
    _send_flag_event(state, user, op, flag, changed)
    return changed, sorted(ignored)


def _send_flag_event(
    state: RealmState, user: ZUser, op: str, flag: str, changed: list[int]
) -> None:
    event: dict[str, Any] = {
        "type": "update_message_flags",
        "op": op,
        "operation": op,
        "flag": flag,
        "messages": changed,
        "all": False,
    }
    if op == "remove" and flag == "read":
        event["message_details"] = {str(mid): _details(state, user, mid) for mid in changed}
    state.hub.send_to_user(user.id, event)


def _details(state: RealmState, user: ZUser, message_id: int) -> dict[str, Any]:
    message = state.messages[message_id]
    bits = state.rows[user.id][message_id]
    d: dict[str, Any] = {"type": message.type}
    if bits & (MENTIONED | STREAM_WILDCARD | TOPIC_WILDCARD):
        d["mentioned"] = True
    if message.channel_id is None:
        d["user_ids"] = [uid for uid in message.dm_user_ids if uid != user.id]
    else:
        d["stream_id"] = message.channel_id
        d["topic"] = message.topic
        d["unmuted_stream_msg"] = True
    return d


def read_receipt_user_ids(state: RealmState, message_id: int, viewer: ZUser) -> list[int]:
    """Who the read-receipts endpoint lists for ``viewer`` (no access or realm checks here):
    users with a read row, minus the sender, users with ``send_read_receipts=false`` (the caller
    too), users muted by the caller or who muted the caller, and deactivated users. Bots count;
    historical rows count. Ascending ids (a real server gives no order)."""
    message = state.messages[message_id]
    muted_by_viewer = state.mutes.get(viewer.id, {})
    result = []
    for uid in sorted(state.users):
        bits = state.rows[uid].get(message_id)
        if bits is None or not bits & READ or uid == message.sender_id:
            continue
        reader = state.users[uid]
        if not reader.send_read_receipts or not reader.is_active:
            continue
        if uid in muted_by_viewer or state.is_muted(uid, viewer.id):
            continue
        result.append(uid)
    return result
