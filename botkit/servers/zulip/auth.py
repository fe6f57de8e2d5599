"""HTTP Basic authentication on /api/v1, with the real server's exact failure modes.

- no Authorization header: 401 "Not logged in: API authentication or user session required";
- an empty, non-base64 or colon-less value (anything ``split()`` / ``split(":")`` rejects):
  401 "Invalid authorization header for basic auth";
- a scheme other than Basic: **400** BAD_REQUEST, without ``WWW-Authenticate``;
- a key that is not 32 letters/digits: "Malformed API key"; a wrong key, a key of another user
  or an unknown email: "Invalid API key"; a deactivated account: "Account is deactivated".
All 401s carry code UNAUTHORIZED and ``WWW-Authenticate: Basic realm="zulip"``.
"""

from __future__ import annotations

import base64
import binascii
import re

from botkit.servers._http import Request
from botkit.servers.zulip.errors import ZulipError
from botkit.servers.zulip.model import ZUser
from botkit.servers.zulip.state import RealmState

__all__ = ["authenticate"]

_KEY_FORMAT = re.compile(r"[0-9a-zA-Z]{32}")


def _unauthorized(msg: str) -> ZulipError:
    return ZulipError(
        msg, "UNAUTHORIZED", status=401, headers={"WWW-Authenticate": 'Basic realm="zulip"'}
    )


def authenticate(state: RealmState, request: Request) -> ZUser:
    header = request.header("authorization")
    if header is None:
        raise _unauthorized("Not logged in: API authentication or user session required")
    try:
        auth_type, credentials = header.split()
        if auth_type.lower() != "basic":
            raise ZulipError("This endpoint requires HTTP basic authentication.")
        email, api_key = base64.b64decode(credentials).decode().split(":")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _unauthorized("Invalid authorization header for basic auth") from None
    if not _KEY_FORMAT.fullmatch(api_key):
        raise _unauthorized("Malformed API key")
    user = state.user_by_email(email)
    if user is None or user.api_key != api_key:
        raise _unauthorized("Invalid API key")
    if not user.is_active:
        raise _unauthorized("Account is deactivated")
    return user
