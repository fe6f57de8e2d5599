"""Scenario 3: catch-up. Messages wait unread while the bot is down; measured: time from
starting the bot process until every one is handled and marked read.

Zulip: the bot finds them as its unread messages. Rocket.Chat has no per-message unread state
for a bot to query, so botkit catches up from its stored per-room cursors: the bot runs once
(cursors stored), stops, the messages arrive, and the measured start follows.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bots import BotProcess
from bench.burst import burst_timeout
from bench.measure import calls_of, wait_all_read
from bench.plan import Plan
from bench.results import Figures
from bench.servers import Backend, BenchServer
from bench.world import make_world

__all__ = ["CatchUpRun", "catch_up", "run"]


@dataclass
class CatchUpRun:
    messages: int
    #: From starting the bot process until the last message was marked read.
    seconds: float
    #: From the bot's first request to the server (connected) until then.
    seconds_after_connect: float
    calls: int
    rate_limited: int
    maxrss_mb: float


def catch_up(backend: Backend, rate_limit: str, count: int, workdir: Path, name: str) -> CatchUpRun:
    with BenchServer.start(backend, rate_limit=rate_limit, workdir=workdir) as server:
        world = make_world(server)
        data_dir = workdir / f"{name}-data"
        shutil.rmtree(data_dir, ignore_errors=True)
        # the default keeps at most 1000 messages a day old: this scenario wants them all
        settings = world.settings(data_dir, catch_up={"max_messages": count, "max_age": None})
        if backend == "rocketchat":
            with BotProcess(settings, workdir, f"{name}-first") as first:
                first.wait_ready()
        world.send(world.burst(count, "waiting"))
        if world.unread() == 0:
            raise RuntimeError("the waiting messages are not unread for the bot")
        launched = time.monotonic()  # the same clock as the server's (CLOCK_MONOTONIC)
        with BotProcess(settings, workdir, name) as bot:
            bot.wait_ready(timeout=burst_timeout(count))
            seen_read = wait_all_read(world, burst_timeout(count))
            final: dict[str, Any] = bot.stop()
        calls = calls_of(server, world.bot_log_user, since=launched, until=seen_read)
        done = calls.last_mark_read(seen_read) or seen_read
        first_call = min((r.at for r in calls.requests), default=launched)
        if final.get("handled") != count:
            raise RuntimeError(f"the no-op plugin saw {final.get('handled')} of {count} messages")
        return CatchUpRun(
            messages=count,
            seconds=done - launched,
            seconds_after_connect=done - first_call,
            calls=calls.total,
            rate_limited=calls.rate_limited,
            maxrss_mb=float(final.get("maxrss_kb", 0)) / 1024.0,
        )


# -- the scenario ------------------------------------------------------------------------------

SCENARIO = "3 catch-up"
HOW = (
    "messages sent while the bot is down; time from starting the bot process (botkit runtime "
    "+ no-op plugin) until the last mark-read request the server logged; server's default "
    "rate limit; [catch_up] max_messages raised to the backlog size (default 1000)"
)


def run(plan: Plan) -> None:
    sizes = plan.sizes
    size = (
        f"{sizes.catch_up:,} unread messages from 5 users in 4 channels; "
        f"median of {sizes.runs} run(s)"
    )
    cases: list[tuple[Backend, str]] = [("zulip", "Zulip"), ("rocketchat", "Rocket.Chat")]
    for backend, label in cases:
        runs = []
        for n in range(sizes.runs):
            plan.progress(f"catch-up: {label}, run {n + 1}/{sizes.runs}")
            name = f"catch-up-{backend}-{n}"
            runs.append(catch_up(backend, "default", sizes.catch_up, plan.dir(name), name))
        make = Figures(SCENARIO, label, HOW, size)
        rc_note = "after a first run that stored the per-room cursors" if backend != "zulip" else ""
        plan.results.add(
            [
                make("time from process start", [r.seconds for r in runs], "s", note=rc_note),
                make("time from connecting", [r.seconds_after_connect for r in runs], "s"),
                make("messages per second", [r.messages / r.seconds for r in runs], "msg/s"),
                make("API calls per message", [r.calls / r.messages for r in runs], "calls"),
                make("429s received", [r.rate_limited for r in runs], ""),
                make("peak RSS of the bot", [r.maxrss_mb for r in runs], "MB"),
            ]
        )
