"""The REST rate limiter (reference page section 5).

Default 10 calls per 60 s for each (client IP, method, route); users holding
``api-bypass-rate-limit`` (by default the bot, admin and app roles) are not limited. Limited
requests carry ``X-RateLimit-Limit``/``-Remaining``/``-Reset`` (absolute epoch milliseconds);
exceeding the limit answers 429 with no ``Retry-After``.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

__all__ = ["RateDecision", "RateLimiter"]


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    headers: dict[str, str]
    wait_seconds: int  # rounded up; meaningful when not allowed


class RateLimiter:
    def __init__(self, calls: int | None = 10, window: float = 60.0) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str, str], tuple[float, int]] = {}
        self.calls: int | None = None
        self.window = 60.0
        self.configure(calls, window)

    def configure(self, calls: int | None, window: float = 60.0) -> None:
        """``calls=None`` turns limiting off. Changing the limits restarts every window."""
        if calls is not None and (calls < 1 or window <= 0):
            raise ValueError("rate limit needs calls >= 1 and a positive window (seconds)")
        with self._lock:
            self.calls, self.window = calls, float(window)
            self._windows.clear()

    @property
    def enabled(self) -> bool:
        return self.calls is not None

    def hit(self, ip: str, method: str, route: str) -> RateDecision | None:
        """Count one call; None when limiting is off."""
        if self.calls is None:
            return None
        now = time.time()
        key = (ip, method, route)
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now >= start + self.window:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
            limit = self.calls
        reset_in = max(0.0, start + self.window - now)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - count)),
            "X-RateLimit-Reset": str(int((now + reset_in) * 1000)),
        }
        return RateDecision(count <= limit, headers, math.ceil(reset_in))
