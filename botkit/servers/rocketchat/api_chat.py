"""Sending and fetching messages: chat.postMessage, chat.sendMessage, chat.getMessage
(reference page section 4.1)."""

from __future__ import annotations

from typing import Any

from .errors import failure, invalid_params, meteor_error
from .messaging import store_message
from .model import Message, RcUser, Room
from .routing import Call, Endpoint
from .schema import Schema, validate
from .serialize import message_json

__all__ = ["ENDPOINTS", "thread_parent", "writable_room"]

_IMPERSONATE_ROLES = {"bot", "app"}  # message-impersonate (admins do not hold it)
_COMMON: Schema = {
    "text": {"type": "string"},
    "alias": {"type": "string"},
    "emoji": {"type": "string"},
    "avatar": {"type": "string"},
    "attachments": {"type": "array", "items": {"type": "object"}},
    "customFields": {"type": "object"},
    "parseUrls": {"type": "boolean"},
}
_TARGET: Schema = {"type": ["string", "array"]}
_POST_SCHEMA: Schema = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"roomId": _TARGET, "tmid": {"type": "string"}, **_COMMON},
            "required": ["roomId"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"channel": _TARGET, **_COMMON},
            "required": ["channel"],
            "additionalProperties": False,
        },
    ]
}
_SEND_SCHEMA: Schema = {
    "type": "object",
    "properties": {"message": {"type": "object"}, "previewUrls": {"type": "array"}},
    "required": ["message"],
    "additionalProperties": False,
}
# Fields a client may not set on chat.sendMessage's message object (the server owns them).
_SERVER_FIELDS = {"_id", "rid", "msg", "tmid", "tshow", "t", "ts", "u", "_updatedAt", "unread"}
_ALLOWED_TYPES = {"e2e"}  # anything else in `t` is a system message type


def _check_content(call: Call, fields: dict[str, Any], text: str) -> None:
    """Impersonation permission, custom fields and the size limit, in Rocket.Chat's order."""
    if (fields.get("alias") or fields.get("avatar")) and not (
        _IMPERSONATE_ROLES & set(call.user.roles)
    ):
        raise failure("Not enough permission")
    if fields.get("customFields"):
        raise failure("Custom fields not enabled")
    limit = call.state.settings.max_message_size
    texts = [text] + [
        a.get("text", "") for a in fields.get("attachments") or [] if isinstance(a, dict)
    ]
    if any(isinstance(t, str) and len(t) > limit for t in texts):
        raise failure("error-message-size-exceeded")


def writable_room(call: Call, room: Room, user: RcUser) -> None:
    """canSendMessage: members only; a public channel is joined on first post."""
    if user.id in room.members:
        return
    if room.type == "c":
        call.state.add_member(room, user)
        return
    raise meteor_error("error-not-allowed", "Not allowed")


def thread_parent(call: Call, room: Room, tmid: str | None) -> str | None:
    if not tmid:
        return None
    if not call.state.settings.threads_enabled:
        raise meteor_error("error-not-allowed", "Threads Disabled")
    parent = call.state.messages.get(tmid)
    if parent is None or parent.rid != room.id:
        raise meteor_error("error-invalid-message", "Invalid message")
    return tmid


def _target_room(call: Call, target: str) -> Room:
    state = call.state
    room: Room | None
    if target.startswith("#"):
        room = state.rooms_by_name.get(target[1:])
    elif target.startswith("@"):
        peer = state.find_user(target[1:])
        room = state.create_dm(call.user, peer) if peer is not None else None
    else:
        room = state.rooms.get(target) or state.rooms_by_name.get(target)
    if room is None:
        raise failure("[invalid-channel]")
    return room


def post_message(call: Call) -> dict[str, Any]:
    body = call.body()
    errors = validate(_POST_SCHEMA, body)
    if errors:
        raise invalid_params(errors)
    targets = body.get("roomId", body.get("channel"))
    names = targets if isinstance(targets, list) else [targets]
    text = body.get("text", "")
    _check_content(call, body, text)
    extra = {k: v for k, v in body.items() if k not in ("roomId", "channel", "text", "tmid")}
    message: Message | None = None
    for name in names:
        room = _target_room(call, str(name))
        writable_room(call, room, call.user)
        tmid = thread_parent(call, room, body.get("tmid"))
        message = store_message(call.state, call.user, room, text, tmid=tmid, extra=extra)
    if message is None:
        raise failure("[invalid-channel]")
    return {
        "ts": message.ts,
        "channel": str(names[-1]),
        "message": message_json(call.state, message),
    }


def send_message(call: Call) -> dict[str, Any]:
    body = call.body()
    errors = validate(_SEND_SCHEMA, body)
    if errors:
        raise invalid_params(errors)
    fields: dict[str, Any] = body["message"]
    if not fields.get("rid"):
        raise failure("The 'rid' property on the message object is missing.")
    text = fields.get("msg", "")
    if not isinstance(text, str):
        raise invalid_params(["must be string"])
    _check_content(call, fields, text)
    if fields.get("t") and fields["t"] not in _ALLOWED_TYPES:
        raise failure("Cannot send system messages using 'chat.sendMessage'")
    room = call.state.rooms.get(str(fields["rid"]))
    if room is None:
        raise meteor_error("error-invalid-room", "Invalid room")
    writable_room(call, room, call.user)
    tmid = thread_parent(call, room, fields.get("tmid"))
    mid = fields.get("_id")
    if mid is not None and (not isinstance(mid, str) or mid in call.state.messages):
        raise meteor_error("error-invalid-message", "Invalid message id")
    extra = {k: v for k, v in fields.items() if k not in _SERVER_FIELDS}
    message = store_message(
        call.state,
        call.user,
        room,
        text,
        tmid=tmid,
        tshow=bool(fields.get("tshow")),
        extra=extra,
        mid=mid,
    )
    return {"message": message_json(call.state, message)}


def get_message(call: Call) -> dict[str, Any]:
    mid = call.query.get("msgId")
    if not mid:
        raise failure('The "msgId" query parameter must be provided.')
    message = call.state.messages.get(mid)
    if message is None:
        raise meteor_error("error-invalid-message", "Invalid message")
    room = call.state.rooms[message.rid]
    if not call.state.can_access(room, call.user):
        raise meteor_error("error-not-allowed", "Not allowed")
    return {"message": message_json(call.state, message)}


ENDPOINTS = [
    Endpoint("POST", "/api/v1/chat.postMessage", post_message),
    Endpoint("POST", "/api/v1/chat.sendMessage", send_message),
    Endpoint("GET", "/api/v1/chat.getMessage", get_message),
]
