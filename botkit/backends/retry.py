"""Waiting politely: exponential backoff with jitter, and a gate that holds calls after a 429.

Both backends' clients are synchronous (``requests``) and run in worker threads, so these are
thread-safe and block with ``time.sleep``; the ``sleep`` and ``clock`` hooks let tests run them
without waiting.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

__all__ = ["Backoff", "RateGate"]


class Backoff:
    """Exponential backoff with full jitter, capped: 0.5 s, 1 s, 2 s, ... up to ``cap``.

    ``next_delay()`` gives the next wait; ``reset()`` after a success. Full jitter spreads the
    retries of many bots instead of having them hit a recovering server in step.
    """

    def __init__(
        self,
        base: float = 0.5,
        cap: float = 30.0,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2.0**self.failures)
        self.failures += 1
        # never below half the ceiling: jitter, but no tight loop
        return ceiling / 2 + self._rng() * ceiling / 2

    def reset(self) -> None:
        self.failures = 0


class RateGate:
    """No call may start before ``not_before``. ``hold(seconds)`` after a 429 pushes it out by
    the server's retry-after plus a little jitter; ``wait()`` blocks the calling thread until then.
    """

    def __init__(
        self,
        jitter: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.jitter = jitter
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        self._lock = threading.Lock()
        self._not_before = 0.0

    def hold(self, seconds: float) -> float:
        """Forbid calls for ``seconds`` (plus jitter); returns the total hold applied."""
        total = max(0.0, seconds) + self._rng() * self.jitter
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + total)
        return total

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._not_before - self._clock())

    def wait(self) -> None:
        # loop: another thread may push the gate further while we sleep
        for _ in range(1000):
            delay = self.remaining()
            if delay <= 0:
                return
            self._sleep(delay)
