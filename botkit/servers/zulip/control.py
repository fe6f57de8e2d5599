"""The control API: ``/botkit-control/<action>``, JSON in and out, no auth, loopback only.

It mirrors the Python API so benchmarks and ``botkit fake-server`` users can drive a server in
another process, e.g. ``POST /botkit-control/send {"sender": "alice@example.com", "channel":
"general", "topic": "t", "content": "hi"}``. ``GET /botkit-control/`` lists the actions.
Errors answer 400 ``{"error": "..."}`` naming what is wrong.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, cast

from botkit.servers._http import Request, Response, Route
from botkit.servers.zulip.errors import ZulipError
from botkit.servers.zulip.model import ZUser

if TYPE_CHECKING:
    from botkit.servers.zulip.server import LocalZulip

__all__ = ["control_routes", "user_json"]

Action = Callable[["LocalZulip", dict[str, Any]], Any]
_LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


def user_json(user: ZUser) -> dict[str, Any]:
    """A user with credentials: this is a local fake, handing out its own generated keys."""
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "api_key": user.api_key,
        "is_bot": user.is_bot,
        "is_active": user.is_active,
    }


def _create_user(s: LocalZulip, d: dict[str, Any]) -> Any:
    return user_json(
        s.create_user(
            d["full_name"],
            d.get("email"),
            send_read_receipts=d.get("send_read_receipts", True),
            is_admin=d.get("is_admin", False),
        )
    )


def _create_bot(s: LocalZulip, d: dict[str, Any]) -> Any:
    return user_json(
        s.create_bot(
            d["full_name"],
            d.get("email"),
            send_read_receipts=d.get("send_read_receipts", True),
            owner=d.get("owner"),
        )
    )


def _send(s: LocalZulip, d: dict[str, Any]) -> Any:
    if "channel" in d:
        mid = s.send_message(
            d["sender"], d["channel"], d.get("topic", ""), d["content"],
            read_by_sender=d.get("read_by_sender"),
        )  # fmt: skip
    else:
        mid = s.send_direct(d["sender"], d["to"], d["content"])
    return {"id": mid}


def _requests(s: LocalZulip, d: dict[str, Any]) -> Any:
    log = s.requests(path=d.get("path"), method=d.get("method"), user=d.get("user"))
    counts: dict[str, int] = {}
    for r in log:
        key = f"{r.method} {r.path} {r.status}"
        counts[key] = counts.get(key, 0) + 1
    return {"count": len(log), "by_endpoint": counts}


def _fail_next(s: LocalZulip, d: dict[str, Any]) -> Any:
    mode = d.get("mode", "502")
    if mode not in ("502", "503", "drop"):
        raise ValueError("mode must be '502', '503' or 'drop'")
    s.fail_next(d["path"], int(d.get("count", 1)), cast(Literal["502", "503", "drop"], mode))
    return {}


def _rate_limit(s: LocalZulip, d: dict[str, Any]) -> Any:
    s.set_rate_limit(d.get("max_calls"), float(d.get("window", 60)))
    return {}


def _uploaded_file(s: LocalZulip, d: dict[str, Any]) -> Any:
    found = s.uploaded_file(d["url"])
    return {
        "url": found.url,
        "filename": found.filename,
        "content_type": found.content_type,
        "owner_id": found.owner_id,
        "data_base64": base64.b64encode(found.data).decode("ascii"),
    }


def _call(action: Callable[..., None], *args: Any) -> dict[str, Any]:
    action(*args)
    return {}


ACTIONS: dict[str, Action] = {
    "create_user": _create_user,
    "create_bot": _create_bot,
    "create_channel": lambda s, d: {
        "id": s.create_channel(
            d["name"],
            d.get("subscribers", []),
            private=d.get("private", False),
            history_public=d.get("history_public", True),
            announce=d.get("announce", False),
        )
    },
    "subscribe": lambda s, d: {"changed": s.subscribe(d["user"], d["channel"])},
    "unsubscribe": lambda s, d: {"changed": s.unsubscribe(d["user"], d["channel"])},
    "send": _send,
    "send_many": lambda s, d: {"ids": s.send_many(d["messages"])},
    "mark_read": lambda s, d: {"changed": s.mark_read(d["user"], d["messages"])},
    "mark_unread": lambda s, d: {"changed": s.mark_unread(d["user"], d["messages"])},
    "settings": lambda s, d: {
        "changed": s.set_send_read_receipts(d["user"], d["send_read_receipts"])
    },
    "mute": lambda s, d: _call(s.mute_user, d["muter"], d["muted"]),
    "unmute": lambda s, d: _call(s.unmute_user, d["muter"], d["muted"]),
    "deactivate": lambda s, d: _call(s.deactivate, d["user"]),
    "reactivate": lambda s, d: _call(s.reactivate, d["user"]),
    "realm_read_receipts": lambda s, d: {"changed": s.set_realm_read_receipts(d["enabled"])},
    "rate_limit": _rate_limit,
    "max_file_upload_size": lambda s, d: {"changed": s.set_max_file_upload_size(int(d["mib"]))},
    "uploaded_file": _uploaded_file,
    "expire_queues": lambda s, d: {"deleted": s.expire_queues(d["user"])},
    "fail_next": _fail_next,
    "requests": _requests,
    "count_429": lambda s, d: {"count": s.count_429()},
    "read_receipts": lambda s, d: {
        "user_ids": s.read_receipt_user_ids(d["message_id"], d["as_user"])
    },
    "users": lambda s, d: {"users": [user_json(u) for u in s.state.realm_users()]},
}


def control_routes(server: LocalZulip) -> list[Route]:
    def handle(request: Request) -> Response:
        if request.client_ip not in _LOOPBACK:
            return Response.json({"error": "the control API answers loopback clients only"}, 403)
        name = request.params.get("action", "")
        if not name:
            return Response.json({"actions": sorted(ACTIONS)})
        action = ACTIONS.get(name)
        if action is None:
            return Response.json({"error": f"unknown control action {name!r}"}, 404)
        data = request.json() if request.body else {}
        if not isinstance(data, dict):
            return Response.json({"error": "the body must be a JSON object"}, 400)
        try:
            return Response.json(action(server, data))
        except KeyError as missing:
            return Response.json({"error": f"missing field {missing}"}, 400)
        except (LookupError, ValueError, TypeError) as error:
            return Response.json({"error": str(error)}, 400)
        except ZulipError as error:
            return Response.json({"error": error.msg}, 400)

    pattern = r"/botkit-control/(?P<action>[a-z_0-9]*)"
    return [Route("GET", pattern, handle), Route("POST", pattern, handle)]
