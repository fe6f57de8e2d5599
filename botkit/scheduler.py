"""Scheduled plugin jobs: APScheduler 3 on the running loop, persisted in SQLite.

Policy (``[scheduler]``): a run missed while the bot was down or busy runs once when the bot
is back, if it is at most ``misfire_grace_time`` late (several missed runs of one job coalesce
into one run when ``coalesce``); later ones are skipped with a log line.

What makes persistence work:

- a stored job holds only the text ``"botkit.scheduler:run_job"`` and plain data (plugin name,
  method name, keyword arguments); ``run_job`` finds the live ``PluginHost`` in a registry;
- at start the store is read while paused, and a job whose schedule did not change is KEPT (not
  re-added), so its stored next run time, and with it the missed run, survives a restart;
- jobs no plugin declared at this start (plugin gone, job dropped) are removed with a log line.

Cron expressions have standard meaning: day of week 0 and 7 are Sunday (APScheduler's own
``from_crontab`` counts from Monday), and a restricted day of month *and* day of week fire on
either, as in cron.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import SQLAlchemyError

from botkit.config.schema import SchedulerSection
from botkit.errors import ConfigError

__all__ = ["JobRunner", "JobSpec", "Scheduler", "cron_trigger", "run_job"]

log = logging.getLogger("botkit.scheduler")

JOB_FUNC = "botkit.scheduler:run_job"
#: How long shutdown waits for cancelled jobs to unwind (a job may catch the cancellation).
_CANCEL_WAIT = 2.0
#: Where APScheduler logs job runs and failures ("apscheduler.executors.<alias>").
_EXECUTOR_LOGGER = "apscheduler.executors.default"
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


def _day_number(token: str, expr: str) -> int:
    lowered = token.lower()
    if lowered[:3] in _DAYS and len(lowered) >= 3:
        return _DAYS.index(lowered[:3])
    if lowered.isdigit() and 0 <= int(lowered) <= 7:
        return int(lowered)
    raise ValueError(f"bad day of week {token!r} in {expr!r}: use 0-7 (0 and 7 are Sunday)")


def _day_of_week(field_: str, expr: str) -> str:
    """Standard cron day-of-week (0/7 = Sunday, ranges, lists, steps) as APScheduler names."""
    days: set[int] = set()
    for part in field_.split(","):
        base, slash, step_text = part.partition("/")
        if slash and not (step_text.isdigit() and int(step_text) > 0):
            raise ValueError(f"bad step {step_text!r} in {expr!r}")
        step = int(step_text) if slash else 1
        if base in ("*", "?"):
            low, high = 0, 6
        elif "-" in base:
            first, last = base.split("-", 1)
            low, high = _day_number(first, expr), _day_number(last, expr)
            if low > high:
                raise ValueError(f"day-of-week range {base!r} in {expr!r} goes backwards")
        else:
            low = _day_number(base, expr)
            high = 7 if slash else low
        days.update(day % 7 for day in range(low, high + 1, step))
    if len(days) == 7:
        return "*"
    return ",".join(_DAYS[day] for day in sorted(days))


def cron_trigger(expr: str, timezone: str) -> BaseTrigger:
    """A trigger for a standard 5-field cron expression (or ``@daily`` etc.) in ``timezone``.
    Raises ``ValueError`` naming the expression and the problem."""
    fields = _MACROS.get(expr.strip().lower(), expr).split()
    if len(fields) != 5:
        raise ValueError(
            f"cron expression {expr!r} needs 5 fields (minute hour day month day-of-week), "
            f"not {len(fields)}"
        )
    minute, hour, day, month, weekday = fields
    weekday_names = _day_of_week(weekday, expr)
    try:
        common = {"minute": minute, "hour": hour, "month": month, "timezone": timezone}
        if day.startswith("*") or weekday.startswith("*"):
            return CronTrigger(day=day, day_of_week=weekday_names, **common)
        # Cron fires when EITHER restricted day field matches; APScheduler wants both.
        return OrTrigger(
            [CronTrigger(day=day, **common), CronTrigger(day_of_week=weekday_names, **common)]
        )
    except KeyError:  # zoneinfo.ZoneInfoNotFoundError
        raise ValueError(f"unknown timezone {timezone!r}") from None
    except ValueError as exc:
        raise ValueError(f"bad cron expression {expr!r}: {exc}") from None


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job a plugin asked for. ``job_id`` is ``<plugin>:<id>``."""

    job_id: str
    plugin: str
    method: str
    cron: str
    timezone: str
    kwargs: dict[str, Any] = field(default_factory=dict)


class JobRunner(Protocol):
    """What runs a job: the ``PluginHost``."""

    async def run_scheduled(self, plugin: str, method: str, kwargs: dict[str, Any]) -> None: ...


@dataclass(eq=False, slots=True)
class _LiveRunner:
    """A started scheduler's runner, and the jobs running right now (for shutdown)."""

    runner: JobRunner
    running: set[asyncio.Task[Any]] = field(default_factory=set)


_runners: dict[str, _LiveRunner] = {}


async def run_job(runner_key: str, plugin: str, method: str, kwargs: dict[str, Any]) -> None:
    """The only callable stored in the job store."""
    live = _runners.get(runner_key)
    task = asyncio.current_task()
    if live is None or task is None:
        log.warning("scheduled job %s.%s fired with no bot running it; skipped", plugin, method)
        return
    live.running.add(task)
    try:
        await live.runner.run_scheduled(plugin, method, kwargs)
    finally:
        live.running.discard(task)


class _CancelledByShutdown(logging.Filter):
    """APScheduler logs a job whose task was cancelled as an ERROR with the CancelledError's
    traceback. In botkit only shutdown cancels a job (the scheduler's, or the event loop's at
    exit): that is one WARNING line, not a failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError):
            args = record.args if isinstance(record.args, tuple) else ()
            job = getattr(args[0], "id", args[0]) if args else "?"
            record.msg, record.args = "scheduled job %s was cancelled by shutdown", (job,)
            record.levelno = logging.WARNING
            record.levelname = "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def _quiet_cancelled_jobs() -> None:
    """Install ``_CancelledByShutdown`` once on the logger of APScheduler's job executor."""
    executor_log = logging.getLogger(_EXECUTOR_LOGGER)
    if not any(isinstance(f, _CancelledByShutdown) for f in executor_log.filters):
        executor_log.addFilter(_CancelledByShutdown())


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    job_id: str
    plugin: str
    method: str
    next_run_time: datetime | None


class Scheduler:
    """Plugin jobs of one bot. ``add`` them (before or after ``start``); ``start`` runs them."""

    def __init__(self, policy: SchedulerSection, data_dir: Path) -> None:
        self.policy = policy
        self.data_dir = Path(data_dir)
        self._key = uuid.uuid4().hex
        self._wanted: dict[str, JobSpec] = {}
        self._aps: AsyncIOScheduler | None = None

    @property
    def running(self) -> bool:
        return self._aps is not None

    def add(self, spec: JobSpec) -> None:
        """Declare a job (validated now: raises ``ValueError`` for a bad cron or timezone)."""
        cron_trigger(spec.cron, spec.timezone)
        self._wanted[spec.job_id] = spec
        if self._aps is not None:
            self._apply(spec, self._aps.get_job(spec.job_id))

    async def start(self, runner: JobRunner) -> None:
        """Open the store, reconcile it with the declared jobs, then run due jobs."""
        if self._aps is not None:
            return
        path = (self.data_dir / "jobs.sqlite3").resolve()
        aps = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{path}")},
            timezone=self.policy.timezone,
        )
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            aps.start(paused=True)  # loads the store; nothing runs until resume()
        except (OSError, SQLAlchemyError) as exc:
            raise ConfigError(
                f"cannot open the job store {path}: {exc.__class__.__name__} "
                "(check [bot] data_dir: it must be a writable folder)"
            ) from None
        _quiet_cancelled_jobs()
        _runners[self._key] = _LiveRunner(runner)
        self._aps = aps
        stored = {job.id: job for job in aps.get_jobs()}
        for spec in self._wanted.values():
            self._apply(spec, stored.pop(spec.job_id, None))
        self._remove_stale(aps, stored.values())
        aps.resume()

    def _apply(self, spec: JobSpec, existing: Any) -> None:
        assert self._aps is not None
        trigger = cron_trigger(spec.cron, spec.timezone)
        options: dict[str, Any] = {
            "args": (self._key, spec.plugin, spec.method, spec.kwargs),
            "name": f"{spec.plugin}.{spec.method} ({spec.cron})",
            "misfire_grace_time": max(1, int(self.policy.misfire_grace_time.total_seconds())),
            "coalesce": self.policy.coalesce,
        }
        if existing is not None and repr(existing.trigger) == repr(trigger):
            # Same schedule: keep the stored next run time (a missed run stays due).
            self._aps.modify_job(spec.job_id, **options)
            return
        self._aps.add_job(
            JOB_FUNC, trigger, id=spec.job_id, replace_existing=True, max_instances=1, **options
        )

    def _remove_stale(self, aps: AsyncIOScheduler, jobs: Iterable[Any]) -> None:
        for job in jobs:
            args = job.args if job.func_ref == JOB_FUNC and len(job.args) == 4 else ()
            plugin = args[1] if args else "?"
            log.info(
                "removing scheduled job %r of plugin %r: no loaded plugin schedules it any more",
                job.id,
                plugin,
            )
            aps.remove_job(job.id)

    def jobs(self) -> list[ScheduledJob]:
        """The declared jobs, with their next run time once started."""
        result = []
        for spec in sorted(self._wanted.values(), key=lambda s: s.job_id):
            job = self._aps.get_job(spec.job_id) if self._aps is not None else None
            next_run = job.next_run_time if job is not None else None
            result.append(ScheduledJob(spec.job_id, spec.plugin, spec.method, next_run))
        return result

    async def shutdown(self) -> None:
        """Stop the scheduler and close its store. Running jobs are cancelled (each logs one
        "cancelled by shutdown" line) and given a moment to unwind."""
        aps, self._aps = self._aps, None
        live = _runners.pop(self._key, None)
        if aps is None:
            return
        running = set(live.running) if live is not None else set()
        for task in running:
            task.cancel()
        aps.shutdown(wait=False)  # AsyncIOScheduler does the work in a loop callback
        if running:
            await asyncio.wait(running, timeout=_CANCEL_WAIT)
        for _ in range(100):
            if not aps.running:
                return
            await asyncio.sleep(0)
        log.warning("the scheduler did not confirm its shutdown")
