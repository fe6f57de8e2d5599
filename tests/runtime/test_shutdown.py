"""Graceful shutdown: intake stops, running handlers finish (bounded), read marks are flushed,
then plugins, backend and store close."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.runtime import Bot

from .conftest import ScriptedHost, make_settings, running


async def test_running_handler_finishes_and_its_read_mark_is_flushed(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = ScriptedHost(memory)
    # a long ack delay: only the shutdown flush can send the read mark in time
    settings = make_settings(tmp_path, delivery={"ack_max_delay": "1h", "shutdown_timeout": "5s"})
    bot = Bot(settings, backend=memory, host=host)
    async with running(bot):
        message = memory.inject("slow job", alice, general)
        await host.wait_entered("slow job")
        # the handler is still busy when the stop begins; it completes a moment later
        asyncio.get_running_loop().call_later(0.1, host.release, "slow job")
    assert host.finished == ["slow job"]
    assert memory.sent == [(general, "echo: slow job")]
    assert memory.marked_read == [[message.id]]
    assert host.stopped
    assert not memory.connected
    with pytest.raises(sqlite3.ProgrammingError):
        bot.store.is_handled("memory", message.id)  # the store is closed


async def test_a_handler_past_the_timeout_is_cancelled_and_comes_back(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    settings = make_settings(tmp_path, delivery={"shutdown_timeout": "0.2s"})
    host = ScriptedHost(memory)
    bot = Bot(settings, backend=memory, host=host)
    loop = asyncio.get_running_loop()
    async with running(bot):
        stuck = memory.inject("slow forever", alice, general)
        await host.wait_entered("slow forever")
        started = loop.time()
    assert loop.time() - started < 3.0
    assert host.finished == []
    assert memory.marked_read == []  # not handled: not acknowledged

    again = ScriptedHost(memory)
    again.release("slow forever")
    bot = Bot(settings, backend=memory, host=again)
    async with running(bot):
        await bot.delivery.drain(5)
        await bot.delivery.acks.flush()
        assert bot.store.pending_retries("memory", 3) == []  # cancelled is not failed
    assert again.finished == ["slow forever"]  # catch-up offered it again
    assert memory.marked_read == [[stuck.id]]


async def test_stop_before_run_still_shuts_down_cleanly(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path), backend=memory, host=host)
    async with bot:
        bot.stop("changed my mind")
        async with asyncio.timeout(5):
            await bot.run_until_stopped()
    assert host.stopped
    assert not memory.connected
