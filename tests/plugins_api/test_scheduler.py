"""Scheduling: standard cron meaning, persistence across restarts, and the misfire policy."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from botkit.config.schema import SchedulerSection
from botkit.errors import ConfigError
from botkit.scheduler import Scheduler, cron_trigger

from .conftest import Chat, ChatFactory, wait_until

SUNDAY = datetime(2024, 6, 2, tzinfo=UTC)  # a Sunday


def fire_days(expr: str, count: int = 7, timezone: str = "UTC") -> list[str]:
    trigger = cron_trigger(expr, timezone)
    days, previous, now = [], None, SUNDAY
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        days.append(fire.strftime("%a %H:%M"))
        previous, now = fire, fire + timedelta(seconds=1)
    return days


def test_weekday_numbers_have_standard_cron_meaning() -> None:
    assert fire_days("0 9 * * 1-5", 6) == [
        "Mon 09:00", "Tue 09:00", "Wed 09:00", "Thu 09:00", "Fri 09:00", "Mon 09:00",
    ]  # fmt: skip
    assert fire_days("0 9 * * 0", 2) == ["Sun 09:00", "Sun 09:00"]
    assert fire_days("0 9 * * 7", 2) == ["Sun 09:00", "Sun 09:00"]
    assert fire_days("0 9 * * 5-7", 3) == ["Sun 09:00", "Fri 09:00", "Sat 09:00"]
    assert fire_days("0 9 * * */2", 4) == ["Sun 09:00", "Tue 09:00", "Thu 09:00", "Sat 09:00"]
    assert fire_days("30 8 * * mon,WED", 2) == ["Mon 08:30", "Wed 08:30"]
    assert fire_days("@weekly", 1) == ["Sun 00:00"]


def test_day_of_month_or_day_of_week_as_in_cron() -> None:
    trigger = cron_trigger("0 0 13 * 5", "UTC")
    fires, previous, now = [], None, datetime(2024, 9, 1, tzinfo=UTC)
    for _ in range(3):
        previous = trigger.get_next_fire_time(previous, now)
        now = previous + timedelta(seconds=1)
        fires.append(previous.strftime("%a %d"))
    assert fires == ["Fri 06", "Fri 13", "Fri 20"]  # the 13th, and every Friday
    assert fire_days("0 0 13 * 1", 2) == ["Mon 00:00", "Mon 00:00"]


def test_timezone_applies_to_the_schedule() -> None:
    assert fire_days("0 9 * * *", 1, "Europe/Berlin") == ["Sun 09:00"]
    fire = cron_trigger("0 9 * * *", "Europe/Berlin").get_next_fire_time(None, SUNDAY)
    assert fire.astimezone(UTC).hour == 7  # summer time: UTC+2


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("0 9 * *", "needs 5 fields"),
        ("0 9 * * * *", "needs 5 fields"),
        ("0 25 * * *", r"bad cron expression '0 25 \* \* \*': .* maximum value \(23\)"),
        ("0 9 * * 8", "bad day of week '8'"),
        ("0 9 * * 5-1", "goes backwards"),
    ],
)
def test_bad_cron_expressions_name_the_problem(expr: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        cron_trigger(expr, "UTC")
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Base'"):
        cron_trigger("0 9 * * *", "Mars/Base")


TICKER = """
    from botkit.models import Conversation
    from botkit.plugin import Plugin, scheduled

    class Ticker(Plugin):
        @scheduled("CRON")
        async def tick(self, ctx):
            assert ctx.message is None
            await ctx.send(Conversation.channel("c0", "log"), "tick")
"""
QUIET = """
    from botkit.plugin import command

    @command
    async def quiet(ctx):
        pass
"""


def stored_job_ids(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        return sorted(row[0] for row in db.execute("SELECT id FROM apscheduler_jobs"))


def past_hour_cron() -> tuple[str, datetime]:
    """Every minute of the hour before this one, and that hour's start: all its runs are over."""
    start = (datetime.now(UTC) - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return f"* {start.hour} * * *", start


async def restart_after_missing_runs(chat_factory: ChatFactory, grace: str, tmp_path: Path) -> Chat:
    """Start a bot, pretend it was down during a whole hour of minutely runs, start it again."""
    cron, missed_since = past_hour_cron()
    policy = {"timezone": "UTC", "misfire_grace_time": grace}
    first = await chat_factory({"ticker.py": TICKER.replace("CRON", cron)}, with_scheduler=True,
                               scheduler=policy)  # fmt: skip
    assert first.host.scheduler is not None
    aps = first.host.scheduler._aps  # the bot "was down" since the hour began
    assert aps is not None
    aps.pause()  # or the first bot would run it right away
    aps.modify_job("ticker:tick", next_run_time=missed_since)
    await first.host.stop()
    assert stored_job_ids(tmp_path / "data") == ["ticker:tick"]
    return await chat_factory({"ticker.py": TICKER.replace("CRON", cron)}, with_scheduler=True,
                              scheduler=policy)  # fmt: skip


def next_run(chat: Chat) -> datetime | None:
    assert chat.host.scheduler is not None
    (job,) = chat.host.scheduler.jobs()
    return job.next_run_time


async def test_missed_runs_within_the_grace_run_once_on_start(
    chat_factory: ChatFactory, tmp_path: Path
) -> None:
    chat = await restart_after_missing_runs(chat_factory, "2h", tmp_path)
    await wait_until(lambda: len(chat.backend.sent) >= 1)
    tomorrow = datetime.now(UTC) + timedelta(hours=20)
    await wait_until(lambda: (next_run(chat) or tomorrow) > tomorrow)
    assert [text for _, text in chat.backend.sent] == ["tick"]  # 60 missed runs, one tick


async def test_runs_missed_by_more_than_the_grace_are_skipped(
    chat_factory: ChatFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="apscheduler")
    chat = await restart_after_missing_runs(chat_factory, "30s", tmp_path)
    tomorrow = datetime.now(UTC) + timedelta(hours=20)
    await wait_until(lambda: (next_run(chat) or tomorrow) > tomorrow)
    await wait_until(lambda: "was missed by" in caplog.text)
    assert chat.backend.sent == []


async def test_jobs_persist_and_jobs_of_removed_plugins_are_dropped(
    chat_factory: ChatFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = await chat_factory({"ticker.py": TICKER.replace("CRON", "0 9 * * 1-5")},
                               with_scheduler=True)  # fmt: skip
    planned = next_run(first)
    assert planned is not None
    assert planned.strftime("%a %H:%M") in {
        "Mon 09:00",
        "Tue 09:00",
        "Wed 09:00",
        "Thu 09:00",
        "Fri 09:00",
    }
    await first.host.stop()
    assert stored_job_ids(tmp_path / "data") == ["ticker:tick"]

    again = await chat_factory({"ticker.py": TICKER.replace("CRON", "0 9 * * 1-5")},
                               with_scheduler=True)  # fmt: skip
    assert next_run(again) == planned
    await again.host.stop()

    caplog.set_level(logging.INFO, logger="botkit.scheduler")
    without = await chat_factory({"quiet.py": QUIET}, with_scheduler=True)
    assert without.host.scheduler is not None
    assert without.host.scheduler.jobs() == []
    assert stored_job_ids(tmp_path / "data") == []
    assert "removing scheduled job 'ticker:tick' of plugin 'ticker'" in caplog.text


async def test_a_changed_schedule_replaces_the_stored_one(
    chat_factory: ChatFactory, tmp_path: Path
) -> None:
    first = await chat_factory({"ticker.py": TICKER.replace("CRON", "0 9 * * 1")},
                               with_scheduler=True)  # fmt: skip
    assert (next_run(first) or SUNDAY).strftime("%a") == "Mon"
    await first.host.stop()
    second = await chat_factory({"ticker.py": TICKER.replace("CRON", "0 9 * * 0")},
                                with_scheduler=True)  # fmt: skip
    assert (next_run(second) or SUNDAY).strftime("%a") == "Sun"


async def test_an_unwritable_data_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    scheduler = Scheduler(SchedulerSection(), blocker / "data")
    with pytest.raises(ConfigError, match=r"cannot open the job store .*\[bot\] data_dir"):
        await scheduler.start(NoRunner())
    assert not scheduler.running


class NoRunner:
    async def run_scheduled(self, plugin: str, method: str, kwargs: dict[str, Any]) -> None:
        raise AssertionError("nothing should run")


SLOW_JOB = """
    import asyncio

    from botkit.models import Conversation
    from botkit.plugin import Plugin, scheduled

    class Slow(Plugin):
        @scheduled("0 9 * * *")
        async def report(self, ctx):
            await ctx.send(Conversation.channel("c0", "log"), "started")
            await asyncio.Event().wait()  # still running when the bot shuts down
"""


async def test_a_job_cancelled_by_shutdown_logs_one_warning_and_no_error(
    chat_factory: ChatFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    chat = await chat_factory({"slow.py": SLOW_JOB}, with_scheduler=True)
    scheduler = chat.host.scheduler
    assert scheduler is not None
    assert scheduler._aps is not None
    scheduler._aps.modify_job("slow:report", next_run_time=datetime.now(UTC))  # due now
    await wait_until(lambda: [text for _, text in chat.backend.sent] == ["started"])
    caplog.clear()
    await chat.host.stop()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r for r in caplog.records if r.exc_info] == []
    cancelled = [r.getMessage() for r in caplog.records if "cancelled" in r.getMessage()]
    assert cancelled == ["scheduled job slow:report was cancelled by shutdown"]
    assert "executed successfully" not in caplog.text
