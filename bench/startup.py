"""Scenario 6: start-up and idling.

- ``botkit --version``: wall time of the subprocess (median of 5).
- ``botkit run``: from starting the process to its "ready" log line (catch-up done, listening),
  and from its first request to the server (connecting) to that line.
- An idle bot (the last ``botkit run`` of each backend, left running): CPU and requests per
  minute over a window, both backends at the same time.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.configfile import write_config
from bench.measure import calls_of
from bench.plan import Plan
from bench.procs import Child, botkit_command, wait_until
from bench.results import Figures, Target
from bench.servers import Backend, BenchServer
from bench.world import World, make_world

__all__ = ["run", "version_seconds"]

SCENARIO = "6 start-up"
READY_LINE = "ready: listening for new messages"
READY_TIMEOUT = 60.0
RC_POLL_INTERVAL = 1.0  # [rocketchat] poll_interval default


def version_seconds(runs: int) -> list[float]:
    """Wall time of ``botkit --version``, ``runs`` times."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [*botkit_command(), "--version"], check=True, capture_output=True, timeout=60
        )
        times.append(time.perf_counter() - started)
    return times


@dataclass
class Startup:
    backend: Backend
    world: World
    workdir: Path
    to_ready: list[float] = field(default_factory=list)
    connect_to_ready: list[float] = field(default_factory=list)
    running: Child | None = None

    def start_bot(self, n: int) -> None:
        """``botkit run`` with a fresh data folder; returns once it logged that it is ready."""
        data_dir = self.workdir / f"run-{n}-data"
        shutil.rmtree(data_dir, ignore_errors=True)
        settings = self.world.settings(
            data_dir, bot={"log_level": "INFO"}, plugins={"enabled": ["receipts", "audit"]}
        )
        config = write_config(settings, self.workdir / f"run-{n}.toml")
        log = self.workdir / f"run-{n}.log"
        log.unlink(missing_ok=True)
        launched = time.monotonic()
        child = Child([*botkit_command(), "run", "-c", str(config)], log=log)
        self.running = child

        def probe() -> float | None:
            if not child.alive():
                raise RuntimeError(f"botkit run exited:\n{child.log_tail()}")
            text = log.read_text(encoding="utf-8", errors="replace")
            return time.monotonic() if READY_LINE in text else None

        ready = wait_until(probe, READY_TIMEOUT, "botkit run to log that it is ready", 0.01)
        calls = calls_of(self.world.server, self.world.bot_log_user, since=launched)
        first = min(r.at for r in calls.requests)
        self.to_ready.append(ready - launched)
        self.connect_to_ready.append(ready - first)

    def stop_bot(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None


def _idle(setups: list[Startup], window: float) -> dict[str, tuple[float, float]]:
    """(CPU percent, requests per minute) of each running bot over ``window`` seconds."""
    import psutil

    procs = {s.backend: psutil.Process(s.running.pid) for s in setups if s.running is not None}
    time.sleep(1.0)  # let start-up work (directory loads, first polls) settle
    before = {b: sum(p.cpu_times()[:2]) for b, p in procs.items()}
    since = time.monotonic()
    time.sleep(window)
    until = time.monotonic()
    out: dict[str, tuple[float, float]] = {}
    for setup in setups:
        cpu = sum(procs[setup.backend].cpu_times()[:2]) - before[setup.backend]
        calls = calls_of(setup.world.server, setup.world.bot_log_user, since=since, until=until)
        out[setup.backend] = (100.0 * cpu / (until - since), calls.total * 60.0 / (until - since))
    return out


def run(plan: Plan) -> None:
    sizes = plan.sizes
    plan.progress(f"start-up: botkit --version x{sizes.version_runs}")
    version = version_seconds(sizes.version_runs)
    make = Figures(SCENARIO, "CLI", "wall time of the subprocess", f"{len(version)} runs (median)")
    plan.results.add([make("botkit --version", version, "s", Target("<", 0.3))])
    workdir = plan.dir("startup")
    backends: list[Backend] = ["zulip", "rocketchat"]
    servers: list[BenchServer] = []
    setups = []
    try:
        for backend in backends:
            servers.append(BenchServer.start(backend, rate_limit="default", workdir=workdir))
        for server in servers:
            folder = plan.dir(f"startup/{server.backend}")
            setups.append(Startup(server.backend, make_world(server), folder))
        for setup in setups:
            for n in range(sizes.startup_runs):
                plan.progress(f"start-up: botkit run ({setup.backend}), run {n + 1}")
                setup.stop_bot()
                setup.start_bot(n)
        plan.progress(f"start-up: idle bots for {sizes.idle_window_s:.0f} s")
        idle = _idle(setups, sizes.idle_window_s)
    finally:
        for setup in setups:
            setup.stop_bot()
        for server in servers:
            server.stop()
    for setup in setups:
        _figures(plan, setup, idle[setup.backend], sizes.idle_window_s)


def _figures(plan: Plan, setup: Startup, idle: tuple[float, float], window: float) -> None:
    label = "Zulip" if setup.backend == "zulip" else "Rocket.Chat"
    runs = f"median of {len(setup.to_ready)} run(s)"
    how = (
        "botkit run -c config.toml (receipts + audit plugins) against the local server in "
        f"another process; ready = its '{READY_LINE}' log line"
    )
    make = Figures(SCENARIO, f"botkit run, {label}", how, runs)
    cpu, per_minute = idle
    idle_how = (
        f"the last botkit run left idle; CPU (user+system, psutil) and the server's request "
        f"log over {window:.0f} s, after 1 s to settle"
    )
    idle_make = Figures(SCENARIO, f"idle, {label}", idle_how, f"{window:.0f} s window, 1 run")
    figures = [
        make("process start to ready", setup.to_ready, "s"),
        make("connecting to ready", setup.connect_to_ready, "s", Target("<=", 2.0)),
        idle_make("CPU while idle", cpu, "%"),
        idle_make("requests per minute while idle", per_minute, "req/min"),
    ]
    if setup.backend == "rocketchat":
        per_poll = per_minute / 60.0 * RC_POLL_INTERVAL
        figures.append(
            idle_make(
                "requests per poll interval (1 s)", per_poll, "req", Target("<=", 1.0), note=""
            )
        )
    else:
        figures[-1].note = (
            "a Zulip bot waits in a long-poll (GET /events, up to 90 s; heartbeats every "
            "45-55 s), so a short window may see no request at all"
        )
    plan.results.add(figures)
