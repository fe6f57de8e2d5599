"""Read receipts over REST: chat.getMessageReadReceipts and chat.readThread (section 1.4).

Two error shapes by version: before 8.7 the ``addRoute`` form (missing messageId ->
``{"error": "The required 'messageId' param is missing.", "success": false}``, extra query
parameters ignored); from 8.7 the typed form, whose query schema is checked before the licence
(missing or extra parameters -> 400 ``error-invalid-params``).
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, invalid_params, meteor_error, typed_invalid_params
from .routing import Call, Endpoint
from .schema import Schema, validate
from .serialize import receipt_json

__all__ = ["ENDPOINTS"]

_QUERY_SCHEMA: Schema = {
    "type": "object",
    "properties": {"messageId": {"type": "string"}},
    "required": ["messageId"],
    "additionalProperties": False,
}
_NO_LICENCE = ApiError(
    400,
    {
        "success": False,
        "error": "This is an enterprise feature [error-action-not-allowed]",
        "errorType": "error-action-not-allowed",
    },
)
_DETAILS = {"method": "getReadReceipts"}


def get_read_receipts(call: Call) -> dict[str, Any]:
    state = call.state
    typed = state.settings.version_tuple >= (8, 7)
    if typed:
        errors = validate(_QUERY_SCHEMA, call.query)
        if errors:
            raise typed_invalid_params(errors)
    if not state.settings.licence:
        raise _NO_LICENCE
    mid = call.query.get("messageId")
    if not mid:
        raise ApiError(
            400, {"error": "The required 'messageId' param is missing.", "success": False}
        )
    message = state.messages.get(mid)
    if message is None:
        raise meteor_error("error-invalid-message", "Invalid message", _DETAILS)
    room = state.rooms.get(message.rid)
    if room is None or not state.can_access(room, call.user):
        raise meteor_error("error-invalid-room", "Invalid room", _DETAILS)
    # No sort in Rocket.Chat's query: natural (insertion) order.
    return {"receipts": [receipt_json(state, message, r) for r in message.receipts]}


_READ_THREAD_SCHEMA: Schema = {
    "type": "object",
    "properties": {"tmid": {"type": "string"}},
    "required": ["tmid"],
    "additionalProperties": False,
}


def read_thread(call: Call) -> dict[str, Any]:
    """POST chat.readThread {tmid} (newest develop code)."""
    body = call.body()
    errors = validate(_READ_THREAD_SCHEMA, body)
    if errors:
        raise invalid_params(errors)
    call.reader.read_thread(call.user, body["tmid"])
    return {}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/chat.getMessageReadReceipts", get_read_receipts),
    Endpoint("POST", "/api/v1/chat.readThread", read_thread),
]
