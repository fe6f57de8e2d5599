"""Accounts: login/logout, me, /api/info, users.info, users.list (reference page section 4)."""

from __future__ import annotations

import hashlib
from typing import Any

from .errors import ApiError, failure, forbidden
from .model import RcUser
from .routing import Call, Endpoint, page, pagination
from .serialize import PREFERENCES, subscription_json, user_json
from .util import hash_token, iso

__all__ = ["ENDPOINTS"]

_UNAUTHORIZED_LOGIN = ApiError(
    401, {"status": "error", "error": "Unauthorized", "message": "Unauthorized", "success": False}
)


def _me(user: RcUser) -> dict[str, Any]:
    body = user_json(user)
    body["emails"] = [{"address": user.email, "verified": True}]
    body["settings"] = {"preferences": dict(PREFERENCES)}
    body["avatarUrl"] = f"/avatar/{user.username}"
    return body


def _password_matches(user: RcUser, password: Any) -> bool:
    if isinstance(password, str):
        return password == user.password
    if isinstance(password, dict) and password.get("algorithm") == "sha-256":
        return password.get("digest") == hashlib.sha256(user.password.encode()).hexdigest()
    return False


def _login_user(call: Call, body: dict[str, Any]) -> RcUser | None:
    """The four password body forms plus {email}; None when nobody matches."""
    state = call.state
    target = body.get("user", body.get("username", body.get("email")))
    if isinstance(target, dict):
        target = target.get("username") or target.get("email")
    if not isinstance(target, str) or not target:
        return None
    if "@" in target:
        return state.user_by_email(target)
    return state.users_by_name.get(target.lower())


def login(call: Call) -> dict[str, Any]:
    body = call.body()
    if not isinstance(body, dict):
        raise _UNAUTHORIZED_LOGIN
    state = call.state
    user: RcUser | None
    if isinstance(body.get("resume"), str):
        user = next(
            (u for u in state.users.values() if hash_token(body["resume"]) in u.tokens), None
        )
    else:
        user = _login_user(call, body)
        if user is not None and not _password_matches(user, body.get("password")):
            user = None
    if user is None or not user.active:
        raise _UNAUTHORIZED_LOGIN
    token = state.add_token(user, "login")
    call.request.user = user.id
    return {
        "status": "success",
        "data": {"userId": user.id, "authToken": token, "me": _me(user)},
    }


def logout(call: Call) -> dict[str, Any]:
    token = call.request.header("x-auth-token") or ""
    call.user.tokens.pop(hash_token(token), None)
    return {"status": "success", "data": {"message": "You've been logged out!"}}


def me(call: Call) -> dict[str, Any]:
    return _me(call.user)


def info(call: Call) -> dict[str, Any]:
    version = call.state.settings.version
    caller = call.caller
    if caller is not None and "admin" in caller.roles:  # view-statistics
        return {
            "version": version,
            "info": {
                "version": version,
                "build": {"platform": "linux", "nodeVersion": "v22.16.0"},
                "commit": {"hash": "botkit-local", "branch": "local"},
                "marketplaceApiVersion": "1.57.0",
            },
            "success": True,
        }
    major_minor = ".".join(version.split(".")[:2])
    return {"version": major_minor, "success": True}


def users_info(call: Call) -> dict[str, Any]:
    state = call.state
    q = call.query
    target: RcUser | None = None
    if q.get("userId"):
        target = state.users.get(q["userId"])
    elif q.get("username"):
        target = state.users_by_name.get(q["username"].lower())
    else:
        raise failure('The "userId" or "username" query parameter must be provided')
    if target is None:
        raise failure("User not found.")
    body = user_json(target)
    caller = call.user
    if target is caller:
        # Only for yourself, with the hashed login tokens: never log this answer.
        body["services"] = {
            "password": {"bcrypt": "$2b$10$" + hash_token(caller.password)[:53]},
            "resume": {
                "loginTokens": [
                    {"when": iso(caller.updated), "hashedToken": h} for h in caller.tokens
                ]
            },
        }
    if call.flag("includeUserRooms") and (target is caller or "admin" in caller.roles):
        subs = state.subs_by_user.get(target.id, {}).values()
        body["rooms"] = [subscription_json(state, s) for s in subs]
    return {"user": body}


def users_list(call: Call) -> dict[str, Any]:
    caller = call.user
    if not {"user", "bot", "admin", "app"} & set(caller.roles):  # view-d-room
        raise forbidden(
            "User does not have the permissions required for this action [error-unauthorized]"
        )
    offset, count = pagination(call.query)
    users = sorted(call.state.users.values(), key=lambda u: u.username)
    items = [user_json(u) for u in page(users, offset, count)]
    return {"users": items, "count": len(items), "offset": offset, "total": len(users)}


ENDPOINTS = [
    Endpoint("POST", "/api/v1/login", login, auth="none"),
    Endpoint("POST", "/api/v1/logout", logout),
    Endpoint("GET", "/api/v1/me", me),
    Endpoint("GET", "/api/info", info, auth="optional"),
    Endpoint("GET", "/api/v1/users.info", users_info),
    Endpoint("GET", "/api/v1/users.list", users_list),
]
