"""The pacer keeps any 60 s window under the limit, and follows the server's headers."""

from __future__ import annotations

from collections import deque

import pytest

from botkit.readstatus.pacing import Pacer

from .fakes import FakeClock


async def _calls(pacer: Pacer, clock: FakeClock, count: int) -> list[float]:
    times = []
    for _ in range(count):
        await pacer.acquire()
        times.append(clock.now)
    return times


def _busiest_minute(times: list[float]) -> int:
    window: deque[float] = deque()
    busiest = 0
    for moment in times:
        window.append(moment)
        while window[0] <= moment - 60:
            window.popleft()
        busiest = max(busiest, len(window))
    return busiest


async def test_never_more_than_burst_plus_rate_in_a_minute() -> None:
    clock = FakeClock()
    pacer = Pacer(180, burst=10, clock=clock, wall=clock, sleep=clock.sleep)
    times = await _calls(pacer, clock, 600)
    assert _busiest_minute(times) <= 190  # under Zulip's 200
    # ... and it runs close to the limit: 600 calls take about 600/3 s, not much more
    assert times[-1] - times[0] < 600 / 3 + 1


async def test_first_calls_do_not_wait() -> None:
    clock = FakeClock()
    pacer = Pacer(60, burst=5, clock=clock, wall=clock, sleep=clock.sleep)
    await _calls(pacer, clock, 5)
    assert clock.sleeps == []


async def test_headers_with_budget_left_do_not_slow_the_bucket() -> None:
    # a sliding window's reset is always about a minute away: that is no reason to wait
    clock = FakeClock()
    pacer = Pacer(6000, burst=100, reserve=2, clock=clock, wall=clock, sleep=clock.sleep)
    await pacer.acquire()
    pacer.observe(remaining=12, reset_at=clock.now + 60)
    start = clock.now
    await pacer.acquire()
    assert clock.now == start


async def test_a_spent_budget_waits_for_the_reset() -> None:
    clock = FakeClock()
    pacer = Pacer(6000, burst=100, reserve=5, clock=clock, wall=clock, sleep=clock.sleep)
    pacer.observe(remaining=199, reset_at=clock.now)  # a limit of 200: the full reserve applies
    pacer.observe(remaining=0, reset_at=clock.now + 20)
    start = clock.now
    await pacer.acquire()
    assert clock.now - start >= 20 - 1e-9


async def test_a_low_budget_slows_down_step_by_step() -> None:
    clock = FakeClock()
    pacer = Pacer(6000, burst=100, reserve=10, clock=clock, wall=clock, sleep=clock.sleep)
    pacer.observe(remaining=199, reset_at=clock.now)  # limit 200
    pacer.observe(remaining=10, reset_at=clock.now + 60)
    start = clock.now
    await pacer.acquire()
    assert clock.now - start == pytest.approx(60 / 200)  # what a sliding window gives back
    pacer.observe(remaining=5, reset_at=clock.now + 60)
    start = clock.now
    await pacer.acquire()
    assert clock.now - start == pytest.approx(6 * 60 / 200)


async def test_a_small_limit_keeps_a_small_reserve() -> None:
    # Rocket.Chat allows 10 calls per route: a reserve of 10 would stall every call
    clock = FakeClock()
    pacer = Pacer(6000, burst=100, reserve=10, clock=clock, wall=clock, sleep=clock.sleep)
    pacer.observe(remaining=9, reset_at=clock.now + 9)  # limit 10: reserve 1
    pacer.observe(remaining=2, reset_at=clock.now + 9)
    start = clock.now
    await pacer.acquire()
    assert clock.now == start  # 2 left, 1 kept back: go
    pacer.observe(remaining=0, reset_at=clock.now + 8)
    await pacer.acquire()
    assert clock.now - start == pytest.approx(8)


async def test_defaults_stay_under_zulips_limit_and_close_to_it() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wall=clock, sleep=clock.sleep)
    times = await _calls(pacer, clock, 1000)
    assert _busiest_minute(times) <= 195  # 200 per minute, a few left for the bot itself
    floor = 1000 / (200 / 60)
    assert times[-1] - times[0] <= 1.1 * floor


class SlidingWindowServer:
    """Zulip's limiter: at most ``limit`` calls in any ``window`` seconds; its headers."""

    def __init__(self, clock: FakeClock, limit: int = 200, window: float = 60.0) -> None:
        self.clock, self.limit, self.window = clock, limit, window
        self.calls: deque[float] = deque()
        self.refused = 0

    def call(self) -> tuple[int, float]:
        now = self.clock.now
        while self.calls and self.calls[0] <= now - self.window:
            self.calls.popleft()
        if len(self.calls) >= self.limit:
            self.refused += 1
        else:
            self.calls.append(now)
        return self.limit - len(self.calls), now + self.window


async def test_an_audit_against_a_sliding_window_runs_near_the_floor_without_429s() -> None:
    clock = FakeClock()
    server = SlidingWindowServer(clock)
    pacer = Pacer(clock=clock, wall=clock, sleep=clock.sleep)  # the defaults: 190/min, burst 5
    start = clock.now
    for number in range(1000):
        await pacer.acquire()
        pacer.observe(*server.call())
        if number % 40 == 0:
            server.call()  # the running bot's own traffic on the same budget
    assert server.refused == 0
    assert clock.now - start <= 1.1 * 1000 / (200 / 60)


async def test_a_429_holds_every_call() -> None:
    clock = FakeClock()
    pacer = Pacer(6000, burst=100, clock=clock, wall=clock, sleep=clock.sleep)
    pacer.penalize(7.5)
    start = clock.now
    await pacer.acquire()
    assert clock.now - start >= 7.5
