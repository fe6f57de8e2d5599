"""Which failed requests may be sent again.

Reads are retried through any 5xx or connection failure. A request that must take effect at most
once (posting a message) is sent again only when the server surely did not act on it:

- the connection was never made (refused, unreachable, connect timeout): nothing was sent;
- a 429: the rate limiter refused it before any work;
- 502 / 503 / 504: the proxy in front of Zulip found no server to take it.

A read timeout, a connection dropped after the request went out, or any other 5xx may come after
the server acted: sending again could post the message twice, so ``OutcomeUnknown`` is raised.

A 404 or 405 is never retried: the server has no such endpoint (an older or trimmed-down server,
or a proxy that does not pass it on), and asking again cannot change that. It is a refusal like
any other (``missing_endpoint`` words it), which callers turn into ``NotSupported`` where a
feature is optional (file uploads).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
import urllib3.exceptions
import zulip

from botkit.errors import ServerUnavailable

__all__ = [
    "MISSING_ENDPOINT_STATUSES",
    "RESENDABLE_STATUSES",
    "OutcomeUnknown",
    "describe",
    "missing_endpoint",
    "never_reached_server",
]

RESENDABLE_STATUSES = frozenset({502, 503, 504})
#: No such endpoint (404) or not with this method (405): final answers, not outages.
MISSING_ENDPOINT_STATUSES = frozenset({404, 405})
#: Bound on the walk through an exception's causes (they form a short chain in practice).
_MAX_CAUSES = 32


class OutcomeUnknown(ServerUnavailable):
    """A request that must not run twice failed once it may already have reached the server."""


def never_reached_server(exc: BaseException) -> bool:
    """Whether ``exc`` (from ``requests`` or the client) was raised before a connection existed,
    so the server cannot have seen the request."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < _MAX_CAUSES:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        # NewConnectionError (refused, name resolution) is a ConnectTimeoutError in urllib3 2
        if isinstance(current, requests.ConnectTimeout | urllib3.exceptions.ConnectTimeoutError):
            return True
        linked = (
            current.__cause__,
            current.__context__,
            getattr(current, "reason", None),  # MaxRetryError's underlying failure
            *current.args,
        )
        pending.extend(x for x in linked if isinstance(x, BaseException))
    return False


def describe(exc: BaseException) -> str:
    """A few words for a failed request (never the request itself: it carries credentials)."""
    if isinstance(exc, requests.Timeout) and not never_reached_server(exc):
        return "request timed out"
    if isinstance(exc, zulip.UnrecoverableNetworkError | requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def missing_endpoint(result: Mapping[str, Any], status: int) -> dict[str, Any]:
    """The answer to report for a 404 / 405: Zulip's own JSON error where it sent one, else (an
    HTML page, which the client calls ``http-error``) a message naming the status."""
    if result.get("result") == "error" and result.get("msg"):
        return dict(result)
    return {
        "result": "error",
        "code": "NOT_FOUND" if status == 404 else "METHOD_NOT_ALLOWED",
        "msg": f"HTTP {status}: this server does not have this endpoint",
    }
