"""What a failed Rocket.Chat call means: retry it, wait, or give the caller a typed error.

- 401 -> ``AuthError`` (one line, names the account, never the secret);
- 429 -> wait (``rate_limit_wait``) and retry the same route;
- 5xx and lost connections -> retry with backoff, except for a non-idempotent call (posting a
  message) that may have been processed: only gateway answers (502/503/504) and connections that
  were never established are retried then;
- any other 4xx -> ``ApiError`` with Rocket.Chat's error code, for the caller to map.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from botkit.backends.rocketchat.ratelimit import rate_limit_wait
from botkit.errors import AuthError, BackendError, ServerUnavailable

__all__ = [
    "ApiError",
    "RetryPolicy",
    "Transient",
    "date_header",
    "error_for_status",
    "never_connected",
]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    #: Tries per call when the server answers 5xx or the connection fails.
    attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    #: 429s waited out within one call before ``RateLimited`` reaches the caller.
    rate_limit_waits: int = 5


class ApiError(BackendError):
    """Rocket.Chat refused a request (4xx other than 401/429). ``error_type`` is its code."""

    def __init__(self, endpoint: str, status: int, error: str, error_type: str | None) -> None:
        super().__init__(f"Rocket.Chat {endpoint} failed ({status}): {error}")
        self.endpoint = endpoint
        self.status = status
        self.error = error
        self.error_type = error_type

    def has_code(self, code: str) -> bool:
        """The code may be in ``errorType`` or only in ``error`` as ``"... [code]"``."""
        return self.error_type == code or f"[{code}]" in self.error or self.error == code


class Transient(Exception):
    """An attempt failed in a way worth retrying (5xx, lost connection, 429)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after  # set for 429


#: Gateway answers: the request never reached Rocket.Chat, so even a post may be retried.
NOT_PROCESSED = frozenset({502, 503, 504})


def error_for_status(
    *,
    endpoint: str,
    status: int,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    idempotent: bool,
    server_url: str,
    who: str,
) -> Exception:
    """The exception an HTTP error answer turns into (``Transient`` means: try again)."""
    error = str(body.get("error") or body.get("message") or f"HTTP {status}")
    if status == 401:
        return AuthError(
            f"Rocket.Chat at {server_url} rejected the credentials of {who} (401): check "
            "[rocketchat] user_id + auth_token or username + password"
        )
    if status == 429:
        return Transient("rate limited (429)", rate_limit_wait(headers, error, time.time()))
    if status >= 500:
        if idempotent or status in NOT_PROCESSED:
            return Transient(f"HTTP {status}")
        return ServerUnavailable(
            f"Rocket.Chat {endpoint} failed ({status}); not retried because the request may "
            "have been processed"
        )
    error_type = body.get("errorType")
    return ApiError(endpoint, status, error, str(error_type) if error_type else None)


def never_connected(exc: requests.ConnectionError) -> bool:
    """True when the failure happened before the request could reach the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    text = repr(exc.args[0]) if exc.args else ""
    return "NewConnectionError" in text or "Connection refused" in text


def date_header(headers: Mapping[str, str]) -> datetime | None:
    """The server's clock from a ``Date`` header (whole seconds), if there is one."""
    value = headers.get("date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
