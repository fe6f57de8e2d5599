"""Per-user rate limits with the real server's two algorithms and its headers.

- Django endpoints (``RedisRateLimiterBackend``): a sliding window over the timestamps of the
  last ``max_calls`` accepted requests. A request is refused while the oldest of them is younger
  than ``window`` seconds; refused requests are not recorded. So after waiting out
  ``Retry-After`` only a few calls are free again, not the whole budget.
- ``GET /events`` (``TornadoInMemoryRateLimiterBackend``): its own bucket, a GCRA where every
  call pushes a reset time ``window / max_calls`` seconds further.

Headers: ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (integer unix time) on every
rate-limited response; on a 429 also ``Retry-After`` (a float, as text) and the body's
``retry-after``.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from botkit.servers.zulip.errors import ZulipError

__all__ = ["Decision", "RateLimiter"]


@dataclass(frozen=True)
class Decision:
    limited: bool
    limit: int
    remaining: int
    #: Seconds until the reset time (the header) or, when limited, until a call is allowed.
    seconds: float

    def headers(self) -> dict[str, str]:
        reset = int(time.time() + self.seconds)
        out = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(0 if self.limited else self.remaining),
            "X-RateLimit-Reset": str(reset),
        }
        if self.limited:
            out["Retry-After"] = str(self.seconds)
        return out

    def error(self) -> ZulipError:
        return ZulipError(
            "API usage exceeded rate limit",
            "RATE_LIMIT_HIT",
            status=429,
            headers=self.headers(),
            **{"retry-after": self.seconds},
        )


class RateLimiter:
    def __init__(self, max_calls: int, window: float) -> None:
        if max_calls < 1 or window <= 0:
            raise ValueError("rate_limit needs max_calls >= 1 and window > 0 seconds")
        self.max_calls = max_calls
        self.window = float(window)
        self._calls: dict[str, deque[float]] = {}
        self._reset: dict[str, float] = {}

    def hit(self, key: str, now: float | None = None) -> Decision:
        """A Django-side request by ``key`` (the user)."""
        now = time.time() if now is None else now
        calls = self._calls.setdefault(key, deque(maxlen=self.max_calls))
        if len(calls) == self.max_calls and calls[0] + self.window >= now:
            return Decision(True, self.max_calls, 0, calls[0] + self.window - now)
        calls.append(now)
        cutoff = now - self.window
        in_window = sum(1 for t in calls if t >= cutoff)
        return Decision(False, self.max_calls, self.max_calls - in_window, self.window)

    def hit_tornado(self, key: str, now: float | None = None) -> Decision:
        """A ``GET /events`` request: Tornado's separate in-memory bucket."""
        now = time.time() if now is None else now
        reset = self._reset.get(key, now)
        if reset - now > self.window:
            return Decision(True, self.max_calls, 0, reset - now - self.window)
        reset = max(reset, now) + self.window / self.max_calls
        self._reset[key] = reset
        remaining = int((now + self.window - reset) * self.max_calls // self.window)
        return Decision(False, self.max_calls, remaining, reset - now)
