"""The HTTP control API under ``/botkit-control/``: the Python API for another process
(benchmarks, ``botkit fake-server`` users). JSON in and out, no auth, loopback clients only.

    POST users        {username, name?, password?, roles?}   -> {id, username, name, roles,
                                                                  password, auth_token}
    POST rooms        {name, type?, members?}                 -> {rid}
    POST dm           {a, b}                                  -> {rid}
    POST members      {rid, user, action: "add"|"remove"}     -> {}
    POST send         {sender, rid, text, tmid?}              -> {mid}
    POST send_many    {messages: [{sender, rid, text, tmid?}]}-> {mids}
    POST read_room    {user, rid, read_threads?}              -> {}
    POST read_thread  {user, tmid}                            -> {}
    POST settings     {read_receipts?, store_users?, licence?, max_message_size?, ...} -> {}
    POST rate_limit   {calls: int|null, window?}              -> {}
    POST fail_next    {path, count?, mode?}                   -> {}
    POST token        {user}                                  -> {token}
    POST deactivate   {user}                                  -> {}
    POST clear_log    {}                                      -> {}
    GET  requests     ?path=&method=&user=                    -> {count, requests}
    GET  count_429                                            -> {count}
    GET  receipts     ?mid=                                   -> {receipts: [{user_id, ts}]}
    GET  message      ?mid=                                   -> {message}
    GET  subscription ?user=&rid=                             -> {subscription}
    GET  uploaded_file ?id= (or ?url=)                        -> {file: {_id, name, type, rid,
                                                                  userId, confirmed, message_id,
                                                                  data_base64}}

``settings`` also takes ``file_upload_enabled`` and ``max_file_size`` (FileUpload_Enabled,
FileUpload_MaxFileSize in bytes).

Users are named by id or username. Errors answer 400 ``{"error": "..."}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._http import Request, Response, Route
from .api_uploads import upload_json

if TYPE_CHECKING:
    from .server import LocalRocketChat

__all__ = ["control_routes"]

PREFIX = "/botkit-control/"
_LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}

Action = Callable[[dict[str, Any]], dict[str, Any]]


def _body(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        return {k: v[-1] for k, v in request.query.items()}
    parsed = request.json()
    if request.body and not isinstance(parsed, dict):
        raise ValueError("the body must be a JSON object")
    return parsed or {}


def _wrap(action: Action) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        if request.client_ip not in _LOOPBACK:
            return Response.json({"error": "the control API answers loopback clients only"}, 403)
        try:
            return Response.json(action(_body(request)))
        except KeyError as missing:
            return Response.json({"error": f"missing field {missing}"}, 400)
        except (ValueError, LookupError, TypeError) as error:
            return Response.json({"error": str(error)}, 400)

    return handle


def control_routes(server: LocalRocketChat) -> list[Route]:
    def users(b: dict[str, Any]) -> dict[str, Any]:
        user = server.create_user(
            b["username"], b.get("name"), b.get("password"), tuple(b.get("roles", ["user"]))
        )
        return {
            "id": user.id,
            "username": user.username,
            "name": user.name,
            "roles": list(user.roles),
            "password": user.password,
            "auth_token": user.auth_token,
        }

    def rooms(b: dict[str, Any]) -> dict[str, Any]:
        return {"rid": server.create_room(b["name"], b.get("type", "c"), b.get("members", []))}

    def dm(b: dict[str, Any]) -> dict[str, Any]:
        return {"rid": server.create_dm(b["a"], b["b"])}

    def members(b: dict[str, Any]) -> dict[str, Any]:
        action = b.get("action", "add")
        if action not in ("add", "remove"):
            raise ValueError("action must be 'add' or 'remove'")
        change = server.add_member if action == "add" else server.remove_member
        change(b["rid"], b["user"])
        return {}

    def send(b: dict[str, Any]) -> dict[str, Any]:
        return {"mid": server.send_message(b["sender"], b["rid"], b["text"], b.get("tmid"))}

    def send_many(b: dict[str, Any]) -> dict[str, Any]:
        return {"mids": server.send_many(b["messages"])}

    def read_room(b: dict[str, Any]) -> dict[str, Any]:
        server.read_room(b["user"], b["rid"], bool(b.get("read_threads", False)))
        return {}

    def read_thread(b: dict[str, Any]) -> dict[str, Any]:
        server.read_thread(b["user"], b["tmid"])
        return {}

    def settings(b: dict[str, Any]) -> dict[str, Any]:
        server.set_settings(**b)
        return {}

    def rate_limit(b: dict[str, Any]) -> dict[str, Any]:
        server.set_rate_limit(b.get("calls"), float(b.get("window", 60)))
        return {}

    def fail_next(b: dict[str, Any]) -> dict[str, Any]:
        mode = b.get("mode", "502")
        if mode not in ("502", "503", "drop"):
            raise ValueError("mode must be '502', '503' or 'drop'")
        server.fail_next(b["path"], int(b.get("count", 1)), mode)
        return {}

    def token(b: dict[str, Any]) -> dict[str, Any]:
        return {"token": server.create_token(b["user"])}

    def deactivate(b: dict[str, Any]) -> dict[str, Any]:
        server.deactivate(b["user"])
        return {}

    def clear_log(b: dict[str, Any]) -> dict[str, Any]:
        server.clear_log()
        return {}

    def requests(b: dict[str, Any]) -> dict[str, Any]:
        user = server.user(b["user"]).id if b.get("user") else None
        found = server.requests(b.get("path"), b.get("method"), user)
        listed = [
            {"method": r.method, "path": r.path, "status": r.status, "user": r.user} for r in found
        ]
        return {"count": len(found), "requests": listed}

    def count_429(b: dict[str, Any]) -> dict[str, Any]:
        return {"count": server.count_429()}

    def receipts(b: dict[str, Any]) -> dict[str, Any]:
        listed = [{"user_id": uid, "ts": ts.isoformat()} for uid, ts in server.receipts(b["mid"])]
        return {"receipts": listed}

    def message(b: dict[str, Any]) -> dict[str, Any]:
        return {"message": server.message(b["mid"])}

    def subscription(b: dict[str, Any]) -> dict[str, Any]:
        return {"subscription": server.subscription(b["user"], b["rid"])}

    def uploaded_file(b: dict[str, Any]) -> dict[str, Any]:
        return {"file": upload_json(server.uploaded_file(b.get("id") or b["url"]))}

    posts: dict[str, Action] = {
        "users": users, "rooms": rooms, "dm": dm, "members": members, "send": send,
        "send_many": send_many, "read_room": read_room, "read_thread": read_thread,
        "settings": settings, "rate_limit": rate_limit, "fail_next": fail_next, "token": token,
        "deactivate": deactivate, "clear_log": clear_log,
    }  # fmt: skip
    gets: dict[str, Action] = {
        "requests": requests, "count_429": count_429, "receipts": receipts, "message": message,
        "subscription": subscription, "uploaded_file": uploaded_file,
    }  # fmt: skip
    return [Route("POST", PREFIX + name, _wrap(a)) for name, a in posts.items()] + [
        Route("GET", PREFIX + name, _wrap(a)) for name, a in gets.items()
    ]
