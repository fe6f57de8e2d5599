"""Scenario 4: "who read this?" -- the receipts plugin answering ``!receipts <id>`` about messages
in a channel of 500 members, with a warm cache (a few queries first, not counted).

Measured on the server's clock: from the moment the command message is stored (its control-API
send) to the moment the bot's reply is stored, for queries sent one after another; and the bot's
API calls per query (event long-polls counted apart: they deliver the command, they are not
spent on it). The rate limit is off: 200 queries would otherwise wait for the limit, not for
botkit.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.bots import BotProcess
from bench.measure import RECEIVE_PATHS, calls_of
from bench.plan import Plan
from bench.procs import wait_until
from bench.results import Figures, Target
from bench.servers import Backend, BenchServer, Logged
from bench.world import World, make_world

__all__ = ["ReceiptsRun", "percentile", "receipts_latency", "run"]

SEND_PATHS = ("/api/v1/messages", "/api/v1/chat.sendMessage", "/api/v1/chat.postMessage")
CONTROL_SEND = "/botkit-control/send"
WARM_UP = 5
TARGETS = 10
REPLY_TIMEOUT = 30.0


@dataclass
class ReceiptsRun:
    members: int
    queries: int
    latencies_ms: list[float]
    calls: int
    #: Calls other than event long-polls / activity polls.
    work_calls: int
    by_endpoint: dict[str, int]
    rate_limited: int


def _post(world: World, sender: str, text: str) -> str:
    channel = world.channels[0]
    if world.backend == "zulip":
        answer = world.server.control(
            "send", sender=sender, channel=channel, topic="receipts", content=text
        )
        return str(answer["id"])
    return str(world.server.control("send", sender=sender, rid=channel, text=text)["mid"])


def _targets(world: World, readers: list[str]) -> list[str]:
    """Messages to ask about, each read by a different share of the channel."""
    ids = [_post(world, world.senders[0], f"announcement {n}") for n in range(TARGETS)]
    for n, reader in enumerate(readers):
        read = ids[: 1 + n % TARGETS]
        if world.backend == "zulip":
            world.server.control("mark_read", user=reader, messages=[int(i) for i in read])
        elif n % 2 == 0:
            world.server.control("read_room", user=reader, rid=world.channels[0])
    return ids


def _ask(world: World, asker: str, target: str) -> tuple[float, float]:
    """(command stored, reply stored) on the server's clock."""
    server = world.server
    seen = len(server.log_since(0))
    _post(world, asker, f"!receipts {target}")

    def probe() -> tuple[float, float] | None:
        fresh = server.log_since(seen)
        sent = next((r.at for r in fresh if r.path == CONTROL_SEND), None)
        reply = next((r.at for r in fresh if _is_reply(r, world.bot_log_user)), None)
        return (sent, reply) if sent is not None and reply is not None else None

    return wait_until(probe, REPLY_TIMEOUT, "the bot's receipts reply", 0.005)


def _is_reply(r: Logged, bot: str) -> bool:
    return r.user == bot and r.method == "POST" and r.path in SEND_PATHS and r.status == 200


def receipts_latency(
    backend: Backend, members: int, queries: int, workdir: Path, name: str
) -> ReceiptsRun:
    with BenchServer.start(backend, rate_limit="none", workdir=workdir) as server:
        world = make_world(server, senders=5, channels=1, members=max(0, members - 6))
        member_refs = [p.get("email") or p["username"] for p in world.people[5:]]
        ids = _targets(world, member_refs)
        data_dir = workdir / f"{name}-data"
        shutil.rmtree(data_dir, ignore_errors=True)
        settings = world.settings(data_dir, plugins={"enabled": ["receipts"]})
        with BotProcess(settings, workdir, name, plugin="none") as bot:
            bot.wait_ready()
            asker = world.senders[1]
            for n in range(WARM_UP):
                _ask(world, asker, ids[n % len(ids)])
            start = server.now()
            latencies = []
            for n in range(queries):
                sent, replied = _ask(world, asker, ids[n % len(ids)])
                latencies.append((replied - sent) * 1000.0)
            end = server.now()
        calls = calls_of(server, world.bot_log_user, since=start, until=end)
        return ReceiptsRun(
            members=members,
            queries=queries,
            latencies_ms=latencies,
            calls=calls.total,
            work_calls=calls.total - calls.count(RECEIVE_PATHS),
            by_endpoint=calls.by_endpoint(),
            rate_limited=calls.rate_limited,
        )


# -- the scenario ------------------------------------------------------------------------------

SCENARIO = "4 who read this"
HOW = (
    "receipts plugin in a botkit bot process, rate limit off; latency from the command message "
    "stored to the reply stored (server clock), queries one after another after 5 warm-up "
    "queries; calls: the bot's requests during the queries, event long-polls (Zulip) and "
    "activity polls + history fetches (Rocket.Chat) counted apart"
)
RC_NOTE = (
    "Rocket.Chat is polled over REST ([rocketchat] poll_interval, default 1 s): the latency "
    "includes waiting for the next poll"
)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.99 for p99)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def run(plan: Plan) -> None:
    sizes = plan.sizes
    cases: list[tuple[Backend, str, int]] = [
        ("zulip", "Zulip", sizes.receipts_queries),
        ("rocketchat", "Rocket.Chat", sizes.receipts_queries_rocketchat),
    ]
    for backend, label, queries in cases:
        runs = []
        for n in range(sizes.runs):
            plan.progress(f"who read this: {label}, {queries} queries, run {n + 1}/{sizes.runs}")
            name = f"receipts-{backend}-{n}"
            runs.append(
                receipts_latency(backend, sizes.receipts_members, queries, plan.dir(name), name)
            )
        size = (
            f"{queries} queries about 10 messages in a channel of {sizes.receipts_members:,} "
            f"members; median of {sizes.runs} run(s)"
        )
        zulip = backend == "zulip"
        make = Figures(SCENARIO, label, HOW, size)
        plan.results.add(
            [
                make(
                    "latency p50",
                    [percentile(r.latencies_ms, 0.5) for r in runs],
                    "ms",
                    note="" if zulip else RC_NOTE,
                ),
                make(
                    "latency p99",
                    [percentile(r.latencies_ms, 0.99) for r in runs],
                    "ms",
                    Target("<", 100) if zulip else None,
                ),
                make(
                    "API calls per query (without polls)",
                    [r.work_calls / r.queries for r in runs],
                    "calls",
                    Target("<=", 2) if zulip else None,
                    note=f"by endpoint (last run): {runs[-1].by_endpoint}",
                ),
                make("API calls per query (all)", [r.calls / r.queries for r in runs], "calls"),
            ]
        )
