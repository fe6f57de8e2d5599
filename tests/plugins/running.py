"""A real ``Bot`` started for a test and stopped (bounded) afterwards."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from botkit.config import Settings
from botkit.runtime import Bot

TIMEOUT = 10.0


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Bot]:
    async with Bot(settings) as bot:
        task = asyncio.create_task(bot.run_until_stopped())
        try:
            await asyncio.wait_for(bot.ready.wait(), TIMEOUT)
            yield bot
        finally:
            bot.stop()
            await asyncio.wait_for(task, TIMEOUT)


def make_due(data_dir: Path, job_id: str) -> None:
    """Pretend the bot was down when the job was due: its stored next run is a minute ago."""
    store = SQLAlchemyJobStore(url=f"sqlite:///{data_dir / 'jobs.sqlite3'}")
    store.start(BackgroundScheduler(), "default")  # never started: only reads and writes jobs
    try:
        job = store.lookup_job(job_id)
        assert job is not None, f"job {job_id} was not stored"
        job.next_run_time = datetime.now(UTC) - timedelta(minutes=1)
        store.update_job(job)
    finally:
        store.shutdown()
