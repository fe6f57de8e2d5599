"""Scenario 5: a read audit of a channel under the server's default rate limit (Zulip: 200 calls
per user per 60 s), run as ``botkit audit --format json`` in its own process.

The floor is what the limit allows: the calls the audit needs divided by the allowed rate. (The
limit's sliding window lets a client spend its first 200 calls at once, so this is a steady-rate
floor, not the absolute minimum.) Measured: the process's wall time against that floor, and the
429s it received (target zero). The run is bounded: an audit still running at the end of its
window (30% above the floor, plus start-up) is stopped, and its time is projected from the
receipts calls it made so far -- labelled as such.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bench.configfile import write_config
from bench.measure import calls_of
from bench.plan import Plan
from bench.procs import Child, botkit_command
from bench.results import Figures, Target
from bench.servers import BenchServer
from bench.world import make_world

__all__ = ["AUDIT_RATE", "AuditRun", "audit_run", "audit_window", "run"]

#: The Zulip server's default limit, in calls per second.
AUDIT_RATE = 200 / 60.0
RECEIPTS = "/read_receipts"


@dataclass
class AuditRun:
    messages: int
    #: Messages in the report (complete) or receipts calls made (stopped).
    audited: int
    #: Wall time of the process, or the window when it was stopped.
    seconds: float
    complete: bool
    #: Successful calls made (complete) or needed (stopped: made + receipts still to make).
    calls: int
    rate_limited: int
    by_endpoint: dict[str, int]

    @property
    def floor_seconds(self) -> float:
        return self.calls / AUDIT_RATE

    @property
    def wall_seconds(self) -> float:
        """Measured, or projected from the pace of the receipts calls when stopped."""
        if self.complete or self.audited <= 0:
            return self.seconds
        return self.seconds * self.messages / self.audited

    @property
    def over_floor(self) -> float:
        """Wall time as a multiple of the floor (1.10 = 10% above it)."""
        return self.wall_seconds / self.floor_seconds if self.calls else float("nan")


def audit_window(count: int) -> float:
    """How long the audit may run: 30% above the floor, plus 30 s for start-up."""
    return 30.0 + 1.3 * (count + 5) / AUDIT_RATE


def audit_run(count: int, workdir: Path, name: str, window: float) -> AuditRun:
    with BenchServer.start("zulip", rate_limit="default", workdir=workdir) as server:
        world = make_world(server, senders=5, channels=1, members=20)
        ids = [int(i) for i in world.send(world.burst(count, "audited"))]
        readers = [p["email"] for p in world.people[::2]]
        for reader in readers:  # some read, some did not: the report has something to say
            server.control("mark_read", user=reader, messages=ids[::3])
        data_dir = workdir / f"{name}-data"
        shutil.rmtree(data_dir, ignore_errors=True)
        settings = world.settings(data_dir, plugins={"enabled": ["audit"]})
        config = write_config(settings, workdir / f"{name}.toml")
        output = workdir / f"{name}.json"
        argv = [
            *botkit_command(), "audit", "-c", str(config), "--channel", world.channel_names[0],
            "--since", "1h", "--format", "json", "--output", str(output),
        ]  # fmt: skip
        launched = time.monotonic()
        with Child(argv, log=workdir / f"{name}.log") as child:
            try:
                code: int | None = child.wait(window)
            except TimeoutError:
                code = None
            ended = time.monotonic()
        if code not in (None, 0):
            raise RuntimeError(f"botkit audit exited {code}:\n{child.log_tail()}")
        calls = calls_of(server, world.bot_log_user, since=launched, until=ended)
        made = calls.total - calls.rate_limited
        if code == 0:
            report = json.loads(output.read_text(encoding="utf-8"))
            audited, needed = len(report.get("messages", [])), made
        else:
            receipts = [r for r in calls.requests if r.path.endswith(RECEIPTS)]
            audited = sum(1 for r in receipts if r.status == 200)
            needed = made + (count - audited)
        return AuditRun(
            messages=count,
            audited=audited,
            seconds=ended - launched,
            complete=code == 0,
            calls=needed,
            rate_limited=calls.rate_limited,
            by_endpoint=calls.by_endpoint(),
        )


# -- the scenario ------------------------------------------------------------------------------

SCENARIO = "5 audit"
HOW = (
    "botkit audit --format json (the audit engine, paced by its defaults) in its own process "
    "against the local Zulip with its default limit (200 calls / 60 s); wall time of the "
    "process; floor = the calls the audit needs / (200/60 s)"
)


def run(plan: Plan) -> None:
    count = plan.sizes.audit_messages
    window = audit_window(count)
    plan.progress(f"audit: {count} messages under the default limit ({window:.0f} s at most)")
    result = audit_run(count, plan.dir("audit"), "audit", window)
    how = HOW
    if not result.complete:
        how += (
            f"; stopped after a {result.seconds:.0f} s window with {result.audited} of "
            f"{count} receipts calls made: wall time projected from that pace"
        )
    size = f"{count:,} messages in a channel of 26 members, audited over 1 h; 1 run"
    make = Figures(SCENARIO, "Zulip, default limit", how, size)
    projected = "" if result.complete else " (projected)"
    plan.results.add(
        [
            make("wall time" + projected, result.wall_seconds, "s"),
            make("rate-limit floor", result.floor_seconds, "s"),
            make("wall time / floor", result.over_floor, "x", Target("<=", 1.10, "<= 1.10x")),
            make("429s received", result.rate_limited, "", Target("<=", 0, "0")),
            make("API calls", result.calls, "calls", note=f"by endpoint: {result.by_endpoint}"),
            make(
                "messages audited" + ("" if result.complete else " in the window"),
                result.audited,
                "",
            ),
        ]
    )
