"""Spacing server calls so a long audit never hits the rate limit, yet runs close to it.

An audit of N messages costs N read-receipt calls (Zulip has no batch endpoint), and Zulip allows
200 calls per user in any 60 s (a sliding window). ``Pacer`` is a token bucket at
``max_per_minute`` with a small burst, so no 60 s window sees more than ``burst +
max_per_minute`` calls: 5 + 190 on Zulip by default, which leaves a few calls for the running
bot's own traffic and runs within a few percent of the limit.

The server's ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` are a brake, not the throttle:
while the server has budget left the bucket's steady rate decides; below ``reserve`` (someone
else is spending the same budget) calls slow down step by step, and with nothing left the next
call waits for the reset. Waiting for the reset at the first sign of a low budget would stall a
sliding window (Zulip's), whose reset is always about a minute away.
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
        max_per_minute: float = 190.0,
        *,
        burst: int = 5,
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
        seconds). Below the reserve, calls slow down the more the lower the budget is; with
        nothing left, the next call waits for the reset."""
        if remaining is None or reset_at is None:
            return
        # keep a tenth of the server's limit for the bot's own traffic, at most ``reserve``:
        # a fixed reserve of 10 would stall every call on Rocket.Chat's 10-per-route limit
        self._peak = max(self._peak, remaining + 1)
        threshold = min(self.reserve, self._peak // 10)
        if remaining > threshold:
            return
        until_reset = max(reset_at - self._wall(), 0.0)
        if remaining <= 0:
            gap = until_reset
        else:
            # one call per "window / limit" is what a sliding window gives back: waiting for
            # its reset (always about a minute away) would stall the audit for nothing
            gap = until_reset * (threshold - remaining + 1) / self._peak
        self._not_before = max(self._not_before, self._clock() + gap)

    def penalize(self, retry_after: float) -> None:
        """A 429 slipped through (someone else spent the budget): hold every call."""
        self._not_before = max(self._not_before, self._clock() + max(retry_after, 0.0))
        self._tokens = min(self._tokens, 0.0)
