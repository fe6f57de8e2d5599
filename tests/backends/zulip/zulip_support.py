"""Shared pieces of the Zulip end-to-end tests: a local Zulip server with a small cast, settings
for a bot on it, and the real runtime (``botkit.runtime.Bot``) with a recording plugin host."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from botkit.backends.retry import RateGate
from botkit.backends.zulip import ZulipBackend
from botkit.backends.zulip.client import RetryPolicy
from botkit.config import Settings
from botkit.models import Message
from botkit.runtime import Bot
from botkit.store import Store
from botkit.testing import MemoryKeyValue

#: Quick retries: the tests inject 5xx bursts and dropped connections.
FAST_RETRY = RetryPolicy(attempts=8, backoff_base=0.05, backoff_cap=0.5)
API = "/api/v1"


async def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll ``predicate`` every 20 ms; fail the test after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or predicate}")
        await asyncio.sleep(0.02)


@dataclass
class Cast:
    server: Any
    alice: Any
    bob: Any
    bot: Any
    general: Any
    random: Any


def bot_settings(
    server: Any,
    bot: Any,
    tmp_path: Path,
    *,
    send_read_receipts: bool | None = None,
    api_key: str | None = None,
    catch_up: dict[str, Any] | None = None,
    timeout: float = 15.0,
) -> Settings:
    return Settings.model_validate(
        {
            "bot": {
                "backend": "zulip",
                "send_read_receipts": send_read_receipts,
                "data_dir": str(tmp_path),
            },
            "zulip": {
                "site": server.url,
                "email": bot.email,
                "api_key": api_key or bot.api_key,
                "timeout": timeout,
            },
            "delivery": {"ack_max_delay": 0.05},
            "catch_up": catch_up or {},
        }
    )


#: The ``state`` a runtime would give ``connect`` (a dict that survives "restarts").
DictState = MemoryKeyValue


@dataclass
class RecordingHost:
    """The plugin side, reduced to recording what it was handed."""

    handled: list[Message] = field(default_factory=list)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def handle(self, message: Message) -> None:
        self.handled.append(message)

    def ids(self) -> list[int]:
        return [int(m.id) for m in self.handled]


def make_backend(settings: Settings, gate: RateGate | None = None) -> ZulipBackend:
    return ZulipBackend(settings, retry=FAST_RETRY, gate=gate)


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, host: RecordingHost, store: Store, backend: ZulipBackend | None = None
) -> AsyncIterator[Bot]:
    """A started bot, past catch-up and listening; stopped (bounded) on exit."""
    bot = Bot(settings, backend=backend or make_backend(settings), host=host, store=store)
    async with bot:
        run = asyncio.create_task(bot.run_until_stopped())
        ready = asyncio.create_task(bot.ready.wait())
        done, _ = await asyncio.wait({run, ready}, timeout=15, return_when="FIRST_COMPLETED")
        if run in done:
            ready.cancel()
            run.result()  # raises what ended the bot
            pytest.fail("the bot stopped before it was ready")
        if ready not in done:
            pytest.fail("the bot did not become ready within 15s")
        try:
            yield bot
        finally:
            bot.stop()
            await asyncio.wait_for(run, timeout=15)


def flags_calls(server: Any, user: Any) -> list[Any]:
    calls: list[Any] = server.requests(path=f"{API}/messages/flags", method="POST", user=user.email)
    return calls
