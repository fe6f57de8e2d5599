"""A message whose handler raised stays unread, is retried at the next start up to
``delivery.max_attempts``, then is given up and acknowledged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.delivery import Outcome
from botkit.runtime import Bot

from .conftest import ScriptedHost, make_settings, outcome, running


async def test_failed_message_is_not_acknowledged_and_is_logged(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    bot = Bot(make_settings(tmp_path), backend=memory, host=ScriptedHost(memory))
    with caplog.at_level(logging.ERROR, logger="botkit.delivery"):
        async with running(bot):
            failing = memory.inject("fail please", alice, general)
            assert await outcome(bot.watch(failing.id)) is Outcome.FAILED
            store = bot.store
            assert store.pending_retries("memory", max_attempts=3) == [failing.id]
    assert memory.marked_read == []
    assert not memory.is_read_by_bot(failing.id)
    [record] = [r for r in caplog.records if failing.id in r.getMessage()]
    assert "attempt 1 of 3" in record.getMessage()
    assert record.exc_info is not None  # the traceback is in the log


async def test_retried_at_each_start_then_given_up_and_acknowledged(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    # no catch-up: the retries must come from the store's failure records alone
    settings = make_settings(tmp_path, delivery={"max_attempts": 3}, catch_up={"enabled": False})
    hosts = []
    failing = None
    for start in range(4):
        host = ScriptedHost(memory)
        hosts.append(host)
        bot = Bot(settings, backend=memory, host=host)
        with caplog.at_level(logging.INFO, logger="botkit"):
            async with running(bot):
                if failing is None:
                    failing = memory.inject("fail always", alice, general)
                    assert await outcome(bot.watch(failing.id)) is Outcome.FAILED
                await bot.delivery.drain(5)
                await bot.delivery.acks.flush()
        assert failing is not None
        read = memory.is_read_by_bot(failing.id)
        assert read is (start >= 2), f"after start {start + 1}"
    assert failing is not None
    assert [len(h.handled) for h in hosts] == [1, 1, 1, 0]  # 3 attempts, then never again
    assert memory.marked_read == [[failing.id]]
    assert any("failed 3 times: giving up" in r.getMessage() for r in caplog.records)


async def test_a_retry_that_succeeds_is_acknowledged_and_forgotten(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    settings = make_settings(tmp_path)
    bot = Bot(settings, backend=memory, host=ScriptedHost(memory))
    async with running(bot):
        message = memory.inject("fail once", alice, general)
        assert await outcome(bot.watch(message.id)) is Outcome.FAILED

    class Fixed(ScriptedHost):
        async def handle(self, message: object) -> None:  # the bug was fixed meanwhile
            self.handled.append("fixed")

    host = Fixed(memory)
    bot = Bot(settings, backend=memory, host=host)
    async with running(bot):
        await bot.delivery.drain(5)
        await bot.delivery.acks.flush()
        assert bot.store.pending_retries("memory", 3) == []
    # offered twice at the start (retry, then catch-up): handled once
    assert host.handled == ["fixed"]
    assert memory.marked_read == [[message.id]]


async def test_max_attempts_one_gives_up_at_once(tmp_path: Path, memory: MemoryBackend) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    settings = make_settings(tmp_path, delivery={"max_attempts": 1})
    bot = Bot(settings, backend=memory, host=ScriptedHost(memory))
    async with running(bot):
        message = memory.inject("fail", alice, general)
        assert await outcome(bot.watch(message.id)) is Outcome.GIVEN_UP
    assert memory.marked_read == [[message.id]]


async def test_a_vanished_message_is_not_retried(tmp_path: Path, memory: MemoryBackend) -> None:
    settings = make_settings(tmp_path)
    bot = Bot(settings, backend=memory, host=ScriptedHost(memory))
    async with bot:
        bot.store.record_failure("memory", "4242", "RuntimeError: boom")
    host = ScriptedHost(memory)
    bot = Bot(settings, backend=memory, host=host)
    async with running(bot):
        assert bot.store.pending_retries("memory", 3) == []
    assert host.handled == []
