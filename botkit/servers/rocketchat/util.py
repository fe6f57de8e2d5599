"""Small helpers: Rocket.Chat-style ids and tokens, a strictly increasing clock, ISO dates."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta

__all__ = ["Clock", "hash_token", "iso", "ms_to_datetime", "new_id", "new_token", "parse_date"]

# Meteor's Random.id() alphabet: no 0/1/I/O/l/o/u/v/V that could be misread.
_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"


def new_id(length: int = 17) -> str:
    """A random id shaped like Rocket.Chat's (17 characters by default)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def new_token() -> str:
    """A login / personal access token: 43 url-safe characters like Meteor's Random.secret()."""
    return secrets.token_urlsafe(32)[:43]


def hash_token(token: str) -> str:
    """How Meteor stores login tokens: base64 of the sha256 digest."""
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()


class Clock:
    """Server time in epoch milliseconds.

    ``now()`` is strictly increasing: two messages or reads never share a millisecond, so
    "ts > last seen" comparisons are deterministic in tests. Under bursts of more than 1000 such
    events per second it runs slightly ahead of the wall clock and catches up when idle.
    ``stamp()`` (creation of users, rooms, subscriptions) never goes backwards but does not
    advance the clock, so setting up a scenario does not push it ahead of the wall clock.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def now(self) -> int:
        with self._lock:
            self._last = max(int(time.time() * 1000), self._last + 1)
            return self._last

    def stamp(self) -> int:
        with self._lock:
            self._last = max(int(time.time() * 1000), self._last)
            return self._last


def iso(ms: int) -> str:
    """Epoch ms as Rocket.Chat's REST dates: ISO-8601 with milliseconds and ``Z``."""
    stamp = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


# rocketchat-API does not url-encode query strings: "+00:00" arrives as " 00:00".
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SPACE_OFFSET = re.compile(r"(\d) (\d\d(?::?\d\d)?)$")


def parse_date(text: str) -> int | None:
    """A client-supplied date (ISO-8601, ``Z`` or an offset) as epoch ms; None when invalid.

    A date without an offset is read as UTC.
    """
    cleaned = _SPACE_OFFSET.sub(r"\1+\2", text.strip())
    if not cleaned:
        return None
    try:
        stamp = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return (stamp - _EPOCH) // timedelta(milliseconds=1)
