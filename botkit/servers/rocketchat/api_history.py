"""Reading messages: the *.history endpoints and chat.syncMessages (reference page 3.2).

History answers newest first and hides thread replies unless ``showThreadMessages=true``; it
bisects the room's ts-sorted lists. syncMessages walks the room's ``_updatedAt`` log.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from .api_rooms import find_room
from .errors import invalid_params, meteor_error
from .model import Message, Room
from .routing import Call, Endpoint, pagination
from .schema import Schema, validate
from .serialize import message_json
from .util import parse_date

__all__ = ["ENDPOINTS"]


def _date(call: Call, name: str) -> int | None:
    text = call.query.get(name)
    if not text:
        return None
    stamp = parse_date(text)
    if stamp is None:
        raise meteor_error(
            "error-invalid-date", f'The "{name}" query parameter must be a valid date'
        )
    return stamp


def _history(call: Call, kind: str) -> dict[str, Any]:
    room = find_room(call, kind)
    offset, count = pagination(call.query, default=20)
    latest = _date(call, "latest")
    oldest = _date(call, "oldest")
    inclusive = call.flag("inclusive")
    if call.flag("showThreadMessages"):
        stamps, messages = room.all_ts, room.all_msgs
    else:
        stamps, messages = room.visible_ts, room.visible_msgs
    if latest is None:
        hi = len(stamps)
    else:
        hi = bisect_right(stamps, latest) if inclusive else bisect_left(stamps, latest)
    lo = 0
    if oldest is not None:
        lo = bisect_left(stamps, oldest) if inclusive else bisect_right(stamps, oldest)
    end = max(lo, hi - offset)
    start = lo if count == 0 else max(lo, end - count)
    chosen = messages[start:end]
    body: dict[str, Any] = {"messages": [message_json(call.state, m) for m in reversed(chosen)]}
    if call.flag("unreads"):
        body.update(_unreads(call, room, chosen))
    return body


def _unreads(call: Call, room: Room, chosen: list[Message]) -> dict[str, Any]:
    sub = call.state.subs.get((call.user.id, room.id))
    last_seen = sub.ls if sub is not None and sub.ls is not None else None
    if last_seen is None:
        return {"unreadNotLoaded": 0}
    first = bisect_right(room.visible_ts, last_seen)
    body: dict[str, Any] = {}
    if first < len(room.visible_msgs):
        body["firstUnread"] = message_json(call.state, room.visible_msgs[first])
    oldest_loaded = chosen[0].ts if chosen else None
    limit = (
        len(room.visible_ts)
        if oldest_loaded is None
        else bisect_left(room.visible_ts, oldest_loaded)
    )
    body["unreadNotLoaded"] = max(0, limit - first)
    return body


def channels_history(call: Call) -> dict[str, Any]:
    return _history(call, "c")


def groups_history(call: Call) -> dict[str, Any]:
    return _history(call, "p")


def dm_history(call: Call) -> dict[str, Any]:
    return _history(call, "d")


_SYNC_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "roomId": {"type": "string"},
        "lastUpdate": {"type": "string"},
        "fromTs": {"type": "string"},
        "count": {"type": "string"},
        "next": {"type": "string"},
        "previous": {"type": "string"},
        "type": {"type": "string", "enum": ["UPDATED", "DELETED"]},
    },
    "required": ["roomId"],
    "additionalProperties": False,
}


def sync_messages(call: Call) -> dict[str, Any]:
    """chat.syncMessages, checking in Rocket.Chat's order (see expectations.md)."""
    q = call.query
    errors = validate(_SYNC_SCHEMA, q)
    if errors:
        raise invalid_params(errors)
    kind, last_update, nxt, prev = (
        q.get("type"),
        q.get("lastUpdate"),
        q.get("next"),
        q.get("previous"),
    )
    if not kind and not last_update:
        raise meteor_error(
            "error-param-required", 'The "type" or "lastUpdate" parameters must be provided'
        )
    since = None
    if last_update:
        since = parse_date(last_update)
        if since is None:
            raise meteor_error(
                "error-lastUpdate-param-invalid",
                'The "lastUpdate" query parameter must be a valid date',
            )
    room = call.state.rooms.get(q["roomId"])
    if room is None or not call.state.can_access(room, call.user):
        raise meteor_error("error-not-allowed", "Not allowed")
    if nxt and prev:
        raise meteor_error(
            "error-cursor-conflict", 'You cannot provide both "next" and "previous" parameters'
        )
    if (nxt or prev) and last_update:
        raise meteor_error(
            "error-cursor-and-lastUpdate-conflict",
            'The attributes "next", "previous" and "lastUpdate" cannot be used together',
        )
    if since is not None:
        updated = sorted(_updated_since(call, room, since), key=lambda m: m.ts, reverse=True)
        return {
            "result": {"updated": [message_json(call.state, m) for m in updated], "deleted": []}
        }
    _offset, count = pagination({"count": q.get("count", "")})
    if kind == "DELETED":  # messages are never deleted here
        return {"result": {"deleted": [], "cursor": {"next": None, "previous": None}}}
    return {"result": _cursor_page(call, room, count or 50, _cursor(nxt), _cursor(prev))}


def _cursor(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise invalid_params(["next and previous must be epoch milliseconds"]) from exc


def _current(call: Call, room: Room, at: int, mid: str) -> Message | None:
    """The log entry's message if this entry is its latest update (so each shows once)."""
    message = call.state.messages.get(mid)
    return message if message is not None and message.updated == at else None


def _updated_since(call: Call, room: Room, since: int) -> list[Message]:
    start = bisect_right(room.update_log_ts, since)
    found = (_current(call, room, at, mid) for at, mid in room.update_log[start:])
    return [m for m in found if m is not None]


def _cursor_page(
    call: Call, room: Room, count: int, nxt: int | None, prev: int | None
) -> dict[str, Any]:
    log = room.update_log
    items: list[Message] = []
    if prev is not None:
        index = bisect_left(room.update_log_ts, prev) - 1
        while index >= 0 and len(items) <= count:
            found = _current(call, room, *log[index])
            if found is not None:
                items.append(found)
            index -= 1
        more = len(items) > count
        items = list(reversed(items[:count]))
        cursor = {
            "next": str(items[-1].updated) if items else None,
            "previous": str(items[0].updated) if items and more else None,
        }
    else:
        index = bisect_right(room.update_log_ts, nxt) if nxt is not None else 0
        while index < len(log) and len(items) <= count:
            found = _current(call, room, *log[index])
            if found is not None:
                items.append(found)
            index += 1
        more = len(items) > count
        items = items[:count]
        cursor = {
            "next": str(items[-1].updated) if items and more else None,
            "previous": str(items[0].updated) if items else None,
        }
    return {"updated": [message_json(call.state, m) for m in items], "cursor": cursor}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/channels.history", channels_history),
    Endpoint("GET", "/api/v1/groups.history", groups_history),
    Endpoint("GET", "/api/v1/dm.history", dm_history),
    Endpoint("GET", "/api/v1/im.history", dm_history),
    Endpoint("GET", "/api/v1/chat.syncMessages", sync_messages),
]
