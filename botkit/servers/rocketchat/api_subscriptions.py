"""subscriptions.get / getOne / read / unread (reference page section 2)."""

from __future__ import annotations

from typing import Any

from .errors import invalid_params
from .routing import Call, Endpoint
from .schema import Schema
from .serialize import subscription_json
from .util import iso

__all__ = ["ENDPOINTS"]

_READ_SCHEMA: Schema = {
    "anyOf": [
        {
            "type": "object",
            "properties": {"rid": {"type": "string"}, "readThreads": {"type": "boolean"}},
            "required": ["rid"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"roomId": {"type": "string"}, "readThreads": {"type": "boolean"}},
            "required": ["roomId"],
            "additionalProperties": False,
        },
    ]
}

_UNREAD_SCHEMA: Schema = {
    "anyOf": [
        {
            "type": "object",
            "properties": {"roomId": {"type": "string"}},
            "required": ["roomId"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "firstUnreadMessage": {
                    "type": "object",
                    "properties": {"_id": {"type": "string"}},
                    "required": ["_id"],
                }
            },
            "required": ["firstUnreadMessage"],
            "additionalProperties": False,
        },
    ]
}


def subscriptions_get(call: Call) -> dict[str, Any]:
    state = call.state
    user = call.user
    since = call.date_param(
        "updatedSince",
        "error-roomId-param-invalid",
        'The "lastUpdate" query parameter must be a valid date.',
    )
    subs = list(state.subs_by_user.get(user.id, {}).values())
    if since is None:
        return {"update": [subscription_json(state, s) for s in subs], "remove": []}
    update = [subscription_json(state, s) for s in subs if s.updated > since]
    remove = [
        {"_id": sub_id, "_deletedAt": iso(deleted)}
        for uid, sub_id, _rid, deleted in state.removed_subs
        if uid == user.id and deleted > since
    ]
    return {"update": update, "remove": remove}


def subscriptions_get_one(call: Call) -> dict[str, Any]:
    rid = call.query.get("roomId")
    if not rid:
        raise invalid_params(["must have required property 'roomId'"])
    sub = call.state.subs.get((call.user.id, rid))
    return {"subscription": subscription_json(call.state, sub) if sub is not None else None}


def subscriptions_read(call: Call) -> dict[str, Any]:
    body = call.checked_body(_READ_SCHEMA)
    rid = body.get("rid", body.get("roomId"))
    call.reader.read_room(call.user, str(rid), bool(body.get("readThreads", False)))
    return {}


def subscriptions_unread(call: Call) -> dict[str, Any]:
    body = call.checked_body(_UNREAD_SCHEMA)
    first = body.get("firstUnreadMessage")
    call.reader.mark_unread(
        call.user, body.get("roomId"), first["_id"] if isinstance(first, dict) else None
    )
    return {}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/subscriptions.get", subscriptions_get),
    Endpoint("GET", "/api/v1/subscriptions.getOne", subscriptions_get_one),
    Endpoint("POST", "/api/v1/subscriptions.read", subscriptions_read),
    Endpoint("POST", "/api/v1/subscriptions.unread", subscriptions_unread),
]
