"""Shared pieces of the runtime tests: a scriptable plugin host and a running-bot helper."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.backends.retry import Backoff
from botkit.config import Settings
from botkit.delivery import Outcome
from botkit.models import Message
from botkit.runtime import Bot

WAIT = 5.0  # seconds any single wait in these tests may take before it counts as a failure


class ScriptedHost:
    """Stands in for the PluginHost: replies "echo: <text>", raises for texts starting with
    "fail", and parks texts starting with "slow" until ``release(text)``."""

    def __init__(self, backend: MemoryBackend) -> None:
        self.backend = backend
        self.handled: list[str] = []  # message texts, in the order handling started
        self.finished: list[str] = []
        self.started = asyncio.Event()
        self.stopped = False
        self.entered: dict[str, asyncio.Event] = {}
        self._gates: dict[str, asyncio.Event] = {}

    async def start(self) -> None:
        self.started.set()

    async def stop(self) -> None:
        self.stopped = True

    def gate(self, text: str) -> asyncio.Event:
        return self._gates.setdefault(text, asyncio.Event())

    def release(self, text: str) -> None:
        self.gate(text).set()

    async def handle(self, message: Message) -> None:
        self.handled.append(message.text)
        self.entered.setdefault(message.text, asyncio.Event()).set()
        if message.text.startswith("slow"):
            await self.gate(message.text).wait()
        if message.text.startswith("fail"):
            raise RuntimeError(f"handler broke on {message.text!r}")
        await self.backend.send(message.conversation, f"echo: {message.text}")
        self.finished.append(message.text)

    async def wait_entered(self, text: str) -> None:
        async with asyncio.timeout(WAIT):
            await self.entered.setdefault(text, asyncio.Event()).wait()


def make_settings(data_dir: Path, **sections: dict[str, Any]) -> Settings:
    config: dict[str, Any] = {"bot": {"backend": "memory", "data_dir": str(data_dir)}}
    for name, values in sections.items():
        config.setdefault(name, {}).update(values)
    return Settings.model_validate(config)


def fast_backoff() -> Backoff:
    return Backoff(base=0.01, cap=0.05)


@contextlib.asynccontextmanager
async def running(bot: Bot) -> AsyncIterator[asyncio.Task[None]]:
    """Enter ``bot``, run it in a task until ready, stop it on the way out."""
    async with bot:
        task = asyncio.create_task(bot.run_until_stopped())
        ready = asyncio.ensure_future(bot.ready.wait())
        async with asyncio.timeout(WAIT):
            await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task.done():
            task.result()  # raises what ended it early
        try:
            yield task
        finally:
            bot.stop("test over")
            async with asyncio.timeout(WAIT):
                await asyncio.wait({task})


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until true, failing after ``WAIT`` seconds (for state without an
    event to wait on, like the store)."""
    try:
        async with asyncio.timeout(WAIT):
            while not condition():
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise AssertionError(f"timed out waiting until {what}") from None


async def outcome(future: asyncio.Future[Outcome]) -> Outcome:
    async with asyncio.timeout(WAIT):
        return await future


@pytest.fixture
def memory() -> MemoryBackend:
    return MemoryBackend()
