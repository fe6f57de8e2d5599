"""Users, settings, mutes, realm settings and the unauthenticated server_settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botkit.servers._http import Request, Response
from botkit.servers.zulip.actions import (
    do_deactivate,
    do_mute,
    do_reactivate,
    do_set_realm_read_receipts,
    do_set_user_setting,
    do_unmute,
)
from botkit.servers.zulip.errors import ZulipError, success
from botkit.servers.zulip.model import ZUser
from botkit.servers.zulip.params import Params
from botkit.servers.zulip.payloads import user_dict
from botkit.servers.zulip.realm_defaults import USER_SETTINGS

if TYPE_CHECKING:
    from botkit.servers.zulip.server import LocalZulip

__all__ = [
    "deactivate_user",
    "get_me",
    "get_user",
    "get_user_by_email",
    "get_users",
    "mute_user",
    "patch_realm",
    "patch_settings",
    "reactivate_user",
    "server_settings",
    "unmute_user",
]

_SETTINGS = {k: v for k, v in USER_SETTINGS.items() if not isinstance(v, list)}


def server_settings(srv: LocalZulip, request: Request, user: ZUser | None) -> Response:
    return success(
        authentication_methods={"password": True, "dev": False, "email": True, "ldap": False},
        zulip_version=srv.zulip_version,
        zulip_merge_base="",
        zulip_feature_level=srv.feature_level,
        push_notifications_enabled=False,
        is_incompatible=False,
        email_auth_enabled=True,
        require_email_format_usernames=True,
        realm_url=srv.url,
        realm_name="Local Zulip",
        realm_icon=f"{srv.url}/static/images/icon.png",
        realm_description="<p>A local fake Zulip organization run by botkit.</p>",
        realm_web_public_access_enabled=False,
        external_authentication_methods=[],
        realm_uri=srv.url,
    )


def get_users(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    state = srv.state
    return success(members=[user_dict(state, u, user) for u in state.realm_users()])


def get_me(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    d = user_dict(srv.state, user, user)
    d["avatar_url"] = srv.state.avatar_url(user)
    d["max_message_id"] = srv.state.max_message_id(user.id)
    return success(**d)


def _target(srv: LocalZulip, request: Request) -> ZUser:
    found = srv.state.users.get(int(request.params["user_id"]))
    if found is None or found.id in srv.state.system_bot_ids:
        raise ZulipError("No such user")
    return found


def get_user(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    return success(user=user_dict(srv.state, _target(srv, request), user))


def get_user_by_email(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    found = srv.state.user_by_email(request.params["email"])
    if found is None or found.id in srv.state.system_bot_ids:
        raise ZulipError("No such user")
    return success(user=user_dict(srv.state, found, user))


def _require_admin(user: ZUser) -> None:
    if not user.is_admin:
        raise ZulipError("Must be an organization administrator")


def deactivate_user(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    _require_admin(user)
    do_deactivate(srv.state, _target(srv, request))
    return success()


def reactivate_user(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    _require_admin(user)
    do_reactivate(srv.state, _target(srv, request))
    return success()


def patch_settings(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    """PATCH /settings (and /settings/notifications, /settings/display): humans only; an event
    only for values that really change; unknown parameters are reported, not refused."""
    if user.is_bot:
        raise ZulipError("This endpoint does not accept bot requests.")
    p = Params(request)
    changes: dict[str, Any] = {}
    for name, default in _SETTINGS.items():
        if not p.has(name):
            continue
        if isinstance(default, bool):
            changes[name] = p.bool(name)
        elif isinstance(default, int):
            changes[name] = p.int(name)
        else:
            changes[name] = p.text(name)
    for name, value in changes.items():
        do_set_user_setting(srv.state, user, name, value)
    ignored = p.unknown(set(_SETTINGS))
    return success(ignored_parameters_unsupported=ignored) if ignored else success()


def _mute_target(srv: LocalZulip, request: Request) -> ZUser:
    found = srv.state.users.get(int(request.params["user_id"]))
    if found is None or not found.is_active:
        raise ZulipError("No such user")
    return found


def mute_user(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    do_mute(srv.state, user, _mute_target(srv, request))
    return success()


def unmute_user(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    do_unmute(srv.state, user, _mute_target(srv, request))
    return success()


def patch_realm(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    """Only ``enable_read_receipts`` is modelled; the response echoes changed fields."""
    _require_admin(user)
    p = Params(request)
    data: dict[str, Any] = {}
    if p.has("enable_read_receipts"):
        value = p.bool("enable_read_receipts")
        if do_set_realm_read_receipts(srv.state, value):
            data["enable_read_receipts"] = value
    return success(**data)
