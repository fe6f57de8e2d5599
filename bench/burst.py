"""Scenario 1: a burst of messages from several people in several channels reaches a running bot
with a no-op plugin. Measured: time until every message is handled and marked read, messages
per second, API calls per message (every request of the bot's user, connecting included), 429s,
and the bot process's peak RSS. The bot and the server run in separate processes."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bots import BotProcess
from bench.measure import calls_of, wait_all_read
from bench.plan import Plan
from bench.results import Figures, Target
from bench.servers import Backend, BenchServer
from bench.world import World, make_world

__all__ = ["CASES", "BurstRun", "botkit_burst", "burst_timeout", "case_label", "run"]


@dataclass
class BurstRun:
    messages: int
    seconds: float
    calls: int
    rate_limited: int
    handled: int
    maxrss_mb: float
    by_endpoint: dict[str, Any]

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("inf")

    @property
    def calls_per_message(self) -> float:
        return self.calls / self.messages


def burst_timeout(count: int) -> float:
    """A generous bound for one burst (a stuck run fails instead of hanging the bench)."""
    return 60.0 + count / 50.0


def botkit_burst(
    backend: Backend, rate_limit: str, count: int, workdir: Path, name: str
) -> BurstRun:
    with BenchServer.start(backend, rate_limit=rate_limit, workdir=workdir) as server:
        world = make_world(server)
        data_dir = workdir / f"{name}-data"
        shutil.rmtree(data_dir, ignore_errors=True)  # message ids repeat on a fresh server
        settings = world.settings(data_dir)
        with BotProcess(settings, workdir, name) as bot:
            bot.wait_ready()
            return _measure(world, bot, count)


def _measure(world: World, bot: BotProcess, count: int) -> BurstRun:
    server = world.server
    start = server.now()
    world.send(world.burst(count, "burst"))
    seen_read = wait_all_read(world, burst_timeout(count))
    calls = calls_of(server, world.bot_log_user, until=seen_read)
    done = calls.last_mark_read(seen_read) or seen_read
    final = bot.stop()
    if final.get("handled") != count:
        raise RuntimeError(f"the no-op plugin saw {final.get('handled')} of {count} messages")
    return BurstRun(
        messages=count,
        seconds=done - start,
        calls=calls.total,
        rate_limited=calls_of(server, world.bot_log_user).rate_limited,
        handled=int(final["handled"]),
        maxrss_mb=float(final.get("maxrss_kb", 0)) / 1024.0,
        by_endpoint=calls.by_endpoint(),
    )


# -- the scenario ------------------------------------------------------------------------------

SCENARIO = "1 burst"
CASES: list[tuple[Backend, str, str]] = [
    ("zulip", "default", "Zulip, default limit (200/60 s)"),
    ("zulip", "none", "Zulip, no limit"),
    ("rocketchat", "default", "Rocket.Chat, default limit (bot role exempt)"),
    ("rocketchat", "none", "Rocket.Chat, no limit"),
]
HOW = (
    "server and bot (botkit runtime + a no-op plugin) in separate processes; time from the "
    "first message sent to the last mark-read request the server logged (server clock); calls: "
    "every request of the bot's user from connecting until then (events, flags, history...); "
    "peak RSS: ru_maxrss of the bot process"
)
RC_LIMIT = (
    "Rocket.Chat's limiter (10 calls / 60 s per route and IP) exempts the bot role "
    "(api-bypass-rate-limit), as on a real server: both Rocket.Chat cases run unlimited"
)


def case_label(backend: str, rate_limit: str) -> str:
    return next(label for b, r, label in CASES if (b, r) == (backend, rate_limit))


def run(plan: Plan) -> None:
    sizes = plan.sizes
    size = (
        f"{sizes.burst:,} messages from 5 users in 4 channels, sent in chunks of 500 as fast as "
        f"the server takes them; median of {sizes.runs} run(s)"
    )
    for backend, rate_limit, label in CASES:
        runs: list[BurstRun] = []
        for n in range(sizes.runs):
            plan.progress(f"burst: {label}, run {n + 1}/{sizes.runs}")
            name = f"burst-{backend}-{rate_limit}-{n}"
            runs.append(botkit_burst(backend, rate_limit, sizes.burst, plan.dir(name), name))
        limited = rate_limit == "default"
        rc_note = RC_LIMIT if backend == "rocketchat" and limited else ""
        make = Figures(SCENARIO, label, HOW, size)
        plan.results.add(
            [
                make("time to handle + mark read", [r.seconds for r in runs], "s", note=rc_note),
                make(
                    "messages per second",
                    [r.per_second for r in runs],
                    "msg/s",
                    None if limited else Target(">=", 2000),
                ),
                make(
                    "API calls per message",
                    [r.calls_per_message for r in runs],
                    "calls",
                    Target("<=", 0.01) if limited else None,
                    note=f"by endpoint (last run): {runs[-1].by_endpoint}",
                ),
                make(
                    "429s received",
                    [r.rate_limited for r in runs],
                    "",
                    Target("<=", 0, "0") if limited else None,
                ),
                make("peak RSS of the bot", [r.maxrss_mb for r in runs], "MB"),
            ]
        )
