"""Spacing server calls so a long audit never hits the rate limit, yet runs close to it.

An audit of N messages costs N read-receipt calls (Zulip has no batch endpoint), and Zulip allows
200 calls per user per 60 s window. ``Pacer`` is a token bucket at ``max_per_minute`` with a
small burst, so no 60 s window can see more than ``burst + max_per_minute`` calls; when the
backend reports the server's ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset``, ``observe``
spreads the remaining calls over the time left (keeping ``reserve`` calls for the running bot's
own traffic), which is what keeps an audit fast on a quiet account and polite on a busy one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["Pacer"]


class Pacer:
    """``await pacer.acquire()`` before each call.

    ``clock`` is monotonic seconds, ``wall`` Unix seconds (rate-limit resets are wall times);
    ``sleep`` is awaited, so tests can run a whole audit on a fake clock.
    """

    def __init__(
        self,
        max_per_minute: float = 180.0,
        *,
        burst: int = 10,
        reserve: int = 10,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_per_minute <= 0:
            raise ValueError("max_per_minute must be positive")
        self.rate = max_per_minute / 60.0
        self.burst = max(1, burst)
        self.reserve = max(0, reserve)
        self._clock = clock
        self._wall = wall
        self._sleep = sleep
        self._tokens = float(self.burst)
        self._updated = clock()
        self._not_before = 0.0
        self.calls = 0
        self.waited = 0.0
        #: The largest remaining budget seen: about the server's limit for this route.
        self._peak = 0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        """Wait until one more call fits, then take it. The token is taken before waiting (the
        bucket may go into debt), so concurrent callers queue up fairly."""
        self._refill()
        self._tokens -= 1
        self.calls += 1
        wait = max(-self._tokens / self.rate, self._not_before - self._clock(), 0.0)
        if wait > 0:
            self.waited += wait
            await self._sleep(wait)

    def observe(self, remaining: int | None, reset_at: float | None) -> None:
        """Feed the server's last ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (Unix
        seconds). With few calls left, the next call waits for its share of the time left."""
        if remaining is None or reset_at is None:
            return
        until_reset = max(reset_at - self._wall(), 0.0)
        # keep a tenth of the server's limit for the bot's own traffic, at most ``reserve``:
        # a fixed reserve of 10 would stall every call on Rocket.Chat's 10-per-route limit
        self._peak = max(self._peak, remaining + 1)
        usable = remaining - min(self.reserve, self._peak // 10)
        gap = until_reset if usable <= 0 else until_reset / usable
        self._not_before = max(self._not_before, self._clock() + gap)

    def penalize(self, retry_after: float) -> None:
        """A 429 slipped through (someone else spent the budget): hold every call."""
        self._not_before = max(self._not_before, self._clock() + max(retry_after, 0.0))
        self._tokens = min(self._tokens, 0.0)
