"""Scenario 2: the same burst through two alternatives, in the same bench run.

(a) the plain approach (``bench.plain_zulip``): ``call_on_each_message`` + one
    ``update_message_flags`` call per message. Under a rate limit it is slow, so it runs for a
    bounded window and its rate is measured and projected to the whole burst.
(b) zulip_bots' runner (``zulip-run-bot``) with a no-op bot (``bench/noop_zulip_bot.py``), in its
    own virtual environment. It marks nothing read; it is done when its handler has seen every
    message. Its handler only runs for messages that @-mention the bot (or direct messages), so
    its burst mentions the bot at the start of every message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.burst import SCENARIO as BURST
from bench.burst import case_label
from bench.measure import calls_of
from bench.plan import Plan
from bench.procs import BENCH_ROOT, Child, python_module, read_json_file, wait_until
from bench.results import Figures, Target, median
from bench.servers import BenchServer
from bench.venvs import ensure_zulip_bots
from bench.world import World, make_world

__all__ = [
    "AltRun",
    "peak_rss_mb",
    "plain_burst",
    "run",
    "zulip_bots_burst",
]

REGISTER_TIMEOUT = 30.0
FLAGS = "/api/v1/messages/flags"


@dataclass
class AltRun:
    messages: int
    #: Messages marked read (plain) or handled (zulip_bots) when the run ended.
    done: int
    #: Until every message was done, or the length of the window when it was cut short.
    seconds: float
    complete: bool
    calls: int
    rate_limited: int
    peak_rss_mb: float | None

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else float("inf")

    @property
    def projected_seconds(self) -> float:
        """Measured when complete; else the measured rate extrapolated to the whole burst."""
        if self.complete:
            return self.seconds
        if self.done <= 0:
            return float("inf")
        return self.seconds * self.messages / self.done


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (Linux ``VmHWM``), None where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        return None
    return None


def write_zuliprc(world: World, path: Path) -> Path:
    """A zuliprc for the local fake's bot (its own generated key, valid for this run only)."""
    path.write_text(
        f"[api]\nemail={world.bot_ref}\nkey={world.bot_secret}\nsite={world.server.url}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


def _wait_registered(world: World, child: Child) -> None:
    def probe() -> bool:
        if not child.alive():
            raise RuntimeError(f"{child.argv[2:4]} exited:\n{child.log_tail()}")
        calls = calls_of(world.server, world.bot_log_user)
        return any(r.path == "/api/v1/register" and r.status == 200 for r in calls.requests)

    wait_until(probe, REGISTER_TIMEOUT, "the client to register its event queue", 0.05)


def plain_burst(rate_limit: str, count: int, window: float, workdir: Path, name: str) -> AltRun:
    with BenchServer.start("zulip", rate_limit=rate_limit, workdir=workdir) as server:
        world = make_world(server)
        rc = write_zuliprc(world, workdir / f"{name}.zuliprc")
        argv = python_module("bench.plain_zulip", str(rc))
        with Child(argv, log=workdir / f"{name}.log") as child:
            _wait_registered(world, child)
            start = server.now()
            world.send(world.burst(count, "burst"))

            def probe() -> float | None:
                state = server.state(world.bot_ref)
                return float(state["now"]) if state["unread"] == 0 else None

            try:
                seen = wait_until(probe, window, "the plain bot", 0.1)
                complete = True
            except TimeoutError:
                seen, complete = server.now(), False
            unread = world.unread()
            rss = peak_rss_mb(child.pid)
        calls = calls_of(server, world.bot_log_user, until=seen)
        acks = [r.at for r in calls.requests if r.path == FLAGS and r.status == 200]
        end = max(acks) if complete and acks else seen
        return AltRun(
            messages=count,
            done=count - unread,
            seconds=end - start,
            complete=complete,
            calls=calls.total,
            rate_limited=calls.rate_limited,
            peak_rss_mb=rss,
        )


def zulip_bots_burst(
    runner: Path, rate_limit: str, count: int, workdir: Path, name: str, timeout: float
) -> AltRun:
    with BenchServer.start("zulip", rate_limit=rate_limit, workdir=workdir) as server:
        world = make_world(server)
        rc = write_zuliprc(world, workdir / f"{name}.zuliprc")
        progress = workdir / f"{name}-progress.json"
        progress.unlink(missing_ok=True)
        env = {"BENCH_PROGRESS_FILE": str(progress), "BENCH_EXPECTED": str(count)}
        bot_file = BENCH_ROOT / "bench" / "noop_zulip_bot.py"
        argv = [str(runner), str(bot_file), "--config-file", str(rc), "--quiet"]
        log = workdir / f"{name}.log"
        with Child(argv, log=log, env=env, bench_on_path=False) as child:
            _wait_registered(world, child)
            start = server.now()
            world.send(world.burst(count, "burst", mention=True))

            def probe() -> dict[str, float] | None:
                status = read_json_file(progress)
                if isinstance(status, dict) and status.get("handled", 0) >= count:
                    return status
                return None

            try:
                status = wait_until(probe, timeout, "zulip_bots' runner", 0.05)
                complete = True
            except TimeoutError:
                status, complete = read_json_file(progress) or {}, False
            end = float(status.get("at", server.now()))
            rss = peak_rss_mb(child.pid)
        calls = calls_of(server, world.bot_log_user, until=end)
        return AltRun(
            messages=count,
            done=int(status.get("handled", 0)),
            seconds=end - start,
            complete=complete,
            calls=calls.total,
            rate_limited=calls.rate_limited,
            peak_rss_mb=rss,
        )


# -- the scenario ------------------------------------------------------------------------------

SCENARIO = "2 alternatives"
PLAIN_HOW = (
    "official zulip client, call_on_each_message + one update_message_flags per message "
    "(sleeping retry-after on a 429), in its own process; time from the first message sent "
    "until the server shows none unread, or the window's end"
)
BOTS_HOW = (
    "zulip_bots' runner (zulip-run-bot) with a no-op bot, in its own venv and process; time "
    "from the first message sent until its handler has seen every message"
)
BOTS_NOTE = (
    "marks nothing read (the runner cannot acknowledge); its handler only runs for messages "
    "that @-mention the bot, so this burst mentions it in every message"
)
RATIO = "botkit msg/s as a multiple of this"


def run(plan: Plan) -> None:
    sizes = plan.sizes
    for rate_limit in ("default", "none"):
        label = case_label("zulip", rate_limit)
        botkit = plan.results.find(BURST, label, "messages per second")
        botkit_rate = botkit.value if botkit is not None else None
        limited = rate_limit == "default"
        window = sizes.plain_window_s if limited else sizes.finish_window_s
        plan.progress(f"alternatives: plain zulip client, {label} ({window:.0f} s at most)")
        name = f"plain-{rate_limit}"
        plain = plain_burst(rate_limit, sizes.burst, window, plan.dir(name), name)
        _plain_figures(plan, f"plain client, {label}", plain, botkit_rate, limited, window)
        if not sizes.zulip_bots:
            plan.results.skip(SCENARIO, f"zulip_bots, {label}", "skipped in smoke mode")
            continue
        try:
            runner = ensure_zulip_bots(plan.workdir / "zulip-bots-install.log")
        except RuntimeError as error:
            plan.results.skip(SCENARIO, f"zulip_bots, {label}", str(error))
            continue
        runs = []
        for n in range(sizes.runs):
            plan.progress(f"alternatives: zulip_bots, {label}, run {n + 1}/{sizes.runs}")
            name = f"zulip-bots-{rate_limit}-{n}"
            workdir = plan.dir(name)
            runs.append(
                zulip_bots_burst(runner, rate_limit, sizes.burst, workdir, name,
                                 sizes.finish_window_s)
            )  # fmt: skip
        _bots_figures(plan, f"zulip_bots, {label}", runs, botkit_rate)


def _plain_figures(
    plan: Plan, case: str, run: AltRun, botkit: float | None, limited: bool, window: float
) -> None:
    how = PLAIN_HOW
    if not run.complete:
        how += f"; cut short after a {window:.0f} s window, projected linearly"
    make = Figures(
        SCENARIO, case, how, f"{run.messages:,} messages from 5 users in 4 channels; 1 run"
    )
    rate = run.per_second
    projected = "" if run.complete else " (projected)"
    figures = [
        make("messages acknowledged", run.done, ""),
        make("acknowledged per second (measured)", rate, "msg/s"),
        make("time for the whole burst" + projected, run.projected_seconds, "s"),
        make("API calls per message", run.calls / max(run.done, 1), "calls"),
        make("429s received", run.rate_limited, ""),
        make("peak RSS", run.peak_rss_mb, "MB"),
    ]
    if botkit and rate > 0:
        target = Target(">=", 100, ">= 100x") if limited else None
        figures.append(make(RATIO, botkit / rate, "x", target))
    plan.results.add(figures)


def _bots_figures(plan: Plan, case: str, runs: list[AltRun], botkit: float | None) -> None:
    size = f"{runs[0].messages:,} messages from 5 users in 4 channels; median of {len(runs)} run(s)"
    make = Figures(SCENARIO, case, BOTS_HOW, size)
    note = BOTS_NOTE
    if not all(r.complete for r in runs):
        note += "; a run did not finish in its window"
    rates = [r.per_second for r in runs]
    figures = [
        make("time to handle (not marked read)", [r.seconds for r in runs], "s", note=note),
        make("messages handled per second", rates, "msg/s"),
        make("API calls per message", [r.calls / r.messages for r in runs], "calls"),
        make("429s received", [r.rate_limited for r in runs], ""),
        make("peak RSS", [r.peak_rss_mb or 0.0 for r in runs], "MB"),
    ]
    if botkit:
        figures.append(make(RATIO, botkit / median(rates), "x"))
    plan.results.add(figures)
