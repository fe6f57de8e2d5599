"""Rocket.Chat's rate-limit answers: how long a 429 asks us to wait, and what is left.

The REST limiter answers 429 with ``X-RateLimit-Reset`` (absolute epoch time in **milliseconds**)
and the text "... You must wait N seconds before trying this endpoint again." (N rounded up). The
header is exact when both clocks agree; the text survives clock skew and a lost header. We take
the header unless it is missing or disagrees with the text by more than the rounding allows.

Every limited answer, 429 or not, carries ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` for
its route (the limit is per route and client IP); ``RateWindow`` is what they say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_WAIT", "RateWindow", "rate_limit_wait", "rate_window"]

#: Wait when the server says nothing usable (its default window is 60 s per 10 calls).
DEFAULT_WAIT = 5.0

_WAIT_TEXT = re.compile(r"wait\s+(\d+(?:\.\d+)?)\s+seconds?", re.IGNORECASE)


def rate_limit_wait(headers: Mapping[str, str], error: str, now: float) -> float:
    """Seconds to wait, from lower-cased response ``headers``, the error text and ``now`` (epoch
    seconds of this machine's clock)."""
    from_text: float | None = None
    match = _WAIT_TEXT.search(error)
    if match:
        from_text = float(match.group(1))
    from_header: float | None = None
    reset = headers.get("x-ratelimit-reset")
    if reset:
        try:
            from_header = max(0.0, float(reset) / 1000.0 - now)
        except ValueError:
            from_header = None
    if from_header is not None and (from_text is None or abs(from_header - from_text) <= 1.5):
        return from_header
    if from_text is not None:
        return from_text
    return DEFAULT_WAIT


@dataclass(frozen=True, slots=True)
class RateWindow:
    """One route's rate-limit window as the server last reported it."""

    limit: int | None
    remaining: int
    #: When the window restarts, in Unix **seconds** (the header says milliseconds).
    reset_at: float


def rate_window(headers: Mapping[str, str]) -> RateWindow | None:
    """The window from lower-cased response ``headers``; None when they do not state one (rate
    limiting off, or the account may bypass it)."""
    try:
        remaining = int(headers["x-ratelimit-remaining"])
        reset_at = float(headers["x-ratelimit-reset"]) / 1000.0
    except (KeyError, ValueError):
        return None
    limit_text = headers.get("x-ratelimit-limit", "")
    limit = int(limit_text) if limit_text.isdigit() else None
    return RateWindow(limit=limit, remaining=max(remaining, 0), reset_at=reset_at)
