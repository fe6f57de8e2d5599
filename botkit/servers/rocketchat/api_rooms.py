"""Rooms: rooms.get, rooms.info, the *.members lists and dm.create / im.create."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, failure, meteor_error
from .model import Room
from .routing import Call, Endpoint, page, pagination
from .serialize import room_json
from .util import iso

__all__ = ["ENDPOINTS", "find_room"]

_NOT_FOUND = {
    "c": 'The required "roomId" or "roomName" param provided does not match any channel',
    "p": 'The required "roomId" or "roomName" param provided does not match any group',
    "d": 'The required "roomId" or "username" param provided does not match any direct message',
}


def find_room(call: Call, kind: str) -> Room:
    """The room a channels.* / groups.* / im.* call names, checked like Rocket.Chat's
    findChannelByIdOrName / findPrivateGroupByIdOrName / findDirectMessageRoom (400s)."""
    state = call.state
    q = call.query
    rid, name = q.get("roomId"), q.get("roomName") or q.get("username")
    if not rid and not name:
        raise meteor_error(
            "error-room-param-not-provided", 'The parameter "roomId" or "roomName" is required'
        )
    room: Room | None = state.rooms.get(rid) if rid else None
    if room is None and name:
        if kind == "d":
            peer = state.find_user(name)
            if peer is not None:
                room = state.rooms.get("".join(sorted({peer.id, call.user.id})))
        else:
            room = state.rooms_by_name.get(name)
    if room is None or room.type != kind or (kind != "c" and call.user.id not in room.members):
        raise meteor_error("error-room-not-found", _NOT_FOUND[kind])
    return room


def rooms_get(call: Call) -> dict[str, Any]:
    state = call.state
    since = call.date_param(
        "updatedSince",
        "error-updatedSince-param-invalid",
        'The "updatedSince" query parameter must be a valid date.',
    )
    rooms = [state.rooms[rid] for rid in state.subs_by_user.get(call.user.id, {})]
    if since is not None:
        rooms = [r for r in rooms if r.updated > since]
    return {"update": [room_json(state, r) for r in rooms], "remove": []}


def rooms_info(call: Call) -> dict[str, Any]:
    state = call.state
    rid, name = call.query.get("roomId"), call.query.get("roomName")
    if not rid and not name:
        raise failure("The 'roomId' or 'roomName' param is required")
    room = state.rooms.get(rid) if rid else state.rooms_by_name.get(name or "")
    if room is None or not state.can_access(room, call.user):
        # Rocket.Chat's own quirk: failure('not-allowed', 'Not Allowed').
        raise ApiError(400, {"success": False, "error": "not-allowed", "errorType": "Not Allowed"})
    return {"room": room_json(state, room)}


def _members(call: Call, kind: str) -> dict[str, Any]:
    room = find_room(call, kind)
    offset, count = pagination(call.query)
    users = sorted(call.state.members(room), key=lambda u: u.username)
    items = [
        {
            "_id": u.id,
            "username": u.username,
            "name": u.name,
            "status": "online" if u.active else "offline",
            "_updatedAt": iso(u.updated),
        }
        for u in page(users, offset, count)
    ]
    return {"members": items, "count": len(items), "offset": offset, "total": len(users)}


def channels_members(call: Call) -> dict[str, Any]:
    return _members(call, "c")


def groups_members(call: Call) -> dict[str, Any]:
    return _members(call, "p")


def dm_members(call: Call) -> dict[str, Any]:
    return _members(call, "d")


def dm_create(call: Call) -> dict[str, Any]:
    body = call.body()
    username = body.get("username") if isinstance(body, dict) else None
    if not isinstance(username, str) or not username:
        raise failure('Body param "username" or "usernames" is required')
    peer = call.state.find_user(username)
    if peer is None or not peer.active:
        raise meteor_error("error-invalid-user", "Invalid user")
    room = call.state.create_dm(call.user, peer)
    body_room = room_json(call.state, room)
    body_room["rid"] = room.id
    return {"room": body_room}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/rooms.get", rooms_get),
    Endpoint("GET", "/api/v1/rooms.info", rooms_info),
    Endpoint("GET", "/api/v1/channels.members", channels_members),
    Endpoint("GET", "/api/v1/groups.members", groups_members),
    Endpoint("GET", "/api/v1/dm.members", dm_members),
    Endpoint("GET", "/api/v1/im.members", dm_members),
    Endpoint("POST", "/api/v1/dm.create", dm_create),
    Endpoint("POST", "/api/v1/im.create", dm_create),
]
