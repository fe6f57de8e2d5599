"""The server's latest ``X-RateLimit-*`` headers, for callers that pace themselves (audits).

The official client never shows response headers, so ``ZulipApi`` records them from a response
hook on the client's ``requests`` session. Every rate-limited response carries them (429s too,
with Remaining 0); 401s and unauthenticated answers carry none, and then the last values stay.
``GET`` / ``DELETE /events`` count in Tornado's separate bucket, whose headers say nothing about
the budget every other call draws on: they are left out. Worker threads record concurrently.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["RateLimitHeaders", "RateLimitSnapshot"]

_SEPARATE_BUCKET = "/api/v1/events"


@dataclass(frozen=True, slots=True)
class RateLimitSnapshot:
    #: ``X-RateLimit-Limit``: the strictest rule's maximum (None when absent).
    limit: int | None
    #: ``X-RateLimit-Remaining``: calls left in the current window.
    remaining: int
    #: ``X-RateLimit-Reset``: when the window resets, in Unix seconds.
    reset_at: float


def _integer(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))  # integers on the wire; a float would still be a time
    except ValueError:
        return None


class RateLimitHeaders:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: RateLimitSnapshot | None = None

    def record(self, url: str, headers: Mapping[str, str]) -> None:
        """Keep the headers of one response to ``url``, if it carries the main bucket's."""
        if urlsplit(url).path.rstrip("/").endswith(_SEPARATE_BUCKET):
            return
        remaining = _integer(headers.get("X-RateLimit-Remaining"))
        reset_at = _integer(headers.get("X-RateLimit-Reset"))
        if remaining is None or reset_at is None:
            return
        snapshot = RateLimitSnapshot(
            _integer(headers.get("X-RateLimit-Limit")), remaining, float(reset_at)
        )
        with self._lock:
            self._latest = snapshot

    def latest(self) -> RateLimitSnapshot | None:
        with self._lock:
            return self._latest
