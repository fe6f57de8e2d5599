"""A failed message is tried again in the same run, ``delivery.retry_delay`` after the failure
(doubling per attempt), through the same dedupe and attempt counting; a shutdown cancels the
waiting retries and the next start picks them up."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.config.schema import DeliverySection
from botkit.delivery import Outcome
from botkit.errors import MessageNotFound, ServerUnavailable
from botkit.models import Message
from botkit.redelivery import InRunRetries
from botkit.runtime import Bot
from botkit.store import Store

from .conftest import ScriptedHost, make_settings, outcome, running, wait_until

FAST = {"retry_delay": "0.02s"}


class FlakyHost(ScriptedHost):
    """Fails each message's first ``failures`` attempts, then handles it."""

    def __init__(self, backend: MemoryBackend, failures: int = 1) -> None:
        super().__init__(backend)
        self.failures = failures

    async def handle(self, message: Message) -> None:
        self.handled.append(message.text)
        if self.handled.count(message.text) <= self.failures:
            raise RuntimeError(f"transient trouble with {message.text!r}")
        await self.backend.send(message.conversation, f"echo: {message.text}")


async def test_a_transient_failure_is_retried_and_acknowledged_in_the_same_run(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = FlakyHost(memory)
    bot = Bot(make_settings(tmp_path, delivery=FAST), backend=memory, host=host)
    with caplog.at_level(logging.INFO, logger="botkit.delivery"):
        async with running(bot):
            message = memory.inject("hello", alice, general)
            assert await outcome(bot.watch(message.id)) is Outcome.FAILED
            assert memory.marked_read == []
            assert await outcome(bot.watch(message.id)) is Outcome.HANDLED
            assert bot.store.pending_retries("memory", 3) == []  # its failure is forgotten
    assert host.handled == ["hello", "hello"]
    assert [text for _, text in memory.sent] == ["echo: hello"]
    assert memory.marked_read == [[message.id]]
    assert "attempt 1 of 3); it stays unread and is retried in 0.02s" in caplog.text


async def test_a_message_that_keeps_failing_is_given_up_within_the_run(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = ScriptedHost(memory)
    settings = make_settings(tmp_path, delivery={**FAST, "max_attempts": 3})
    bot = Bot(settings, backend=memory, host=host)
    with caplog.at_level(logging.INFO, logger="botkit.delivery"):
        async with running(bot):
            message = memory.inject("fail always", alice, general)
            outcomes = [await outcome(bot.watch(message.id)) for _ in range(3)]
    assert outcomes == [Outcome.FAILED, Outcome.FAILED, Outcome.GIVEN_UP]
    assert host.handled == ["fail always"] * 3
    assert memory.marked_read == [[message.id]]
    logged = [r.getMessage() for r in caplog.records]
    waits = [line.rsplit(" ", 1)[-1] for line in logged if "is retried in" in line]
    assert waits == ["0.02s", "0.04s"]  # doubling per attempt


async def test_shutdown_cancels_waiting_retries_and_the_next_start_retries_them(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    settings = make_settings(tmp_path, delivery={"retry_delay": "1h"}, catch_up={"enabled": False})
    first = FlakyHost(memory)
    bot = Bot(settings, backend=memory, host=first)
    with caplog.at_level(logging.INFO, logger="botkit.delivery"):
        async with running(bot):
            message = memory.inject("hello", alice, general)
            assert await outcome(bot.watch(message.id)) is Outcome.FAILED
            assert len(bot.delivery.retries) == 1
        assert len(bot.delivery.retries) == 0
    assert "1 failed messages were waiting for a retry" in caplog.text
    assert first.handled == ["hello"]
    assert memory.marked_read == []

    second = FlakyHost(memory, failures=0)
    bot = Bot(settings, backend=memory, host=second)
    async with running(bot):
        assert await outcome(bot.watch(message.id)) is Outcome.HANDLED
    assert second.handled == ["hello"]
    assert memory.marked_read == [[message.id]]


async def test_a_message_offered_again_while_its_retry_waits_is_not_handled_twice(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = FlakyHost(memory)
    bot = Bot(make_settings(tmp_path, delivery={"retry_delay": "0.3s"}), backend=memory, host=host)
    async with running(bot):
        message = memory.inject("hello", alice, general)
        assert await outcome(bot.watch(message.id)) is Outcome.FAILED
        watched = bot.watch(message.id)
        memory.redeliver(message)  # e.g. a reconnect offers it again
        assert await outcome(watched) is Outcome.DUPLICATE
        assert await outcome(bot.watch(message.id)) is Outcome.HANDLED
    assert host.handled == ["hello", "hello"]
    assert memory.marked_read == [[message.id]]


async def test_retry_delay_zero_leaves_the_retry_to_the_next_start(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    bot = Bot(
        make_settings(tmp_path, delivery={"retry_delay": "0s"}),
        backend=memory,
        host=ScriptedHost(memory),
    )
    with caplog.at_level(logging.ERROR, logger="botkit.delivery"):
        async with running(bot):
            message = memory.inject("fail", alice, general)
            assert await outcome(bot.watch(message.id)) is Outcome.FAILED
            assert len(bot.delivery.retries) == 0
    assert "retried at the next start" in caplog.text


def test_the_delay_doubles_per_attempt_up_to_an_hour() -> None:
    async def offer(message: Message) -> None:
        raise AssertionError("not used")

    retries = InRunRetries(MemoryBackend(), Store.in_memory(), 30.0, offer)
    assert [retries.delay(n) for n in (1, 2, 3, 7, 8, 10_000)] == [
        30.0,
        60.0,
        120.0,
        1920.0,
        3600.0,
        3600.0,
    ]
    assert InRunRetries(MemoryBackend(), Store.in_memory(), 7200.0, offer).delay(3) == 7200.0
    assert DeliverySection().retry_delay.total_seconds() == 30.0


async def test_a_message_deleted_meanwhile_is_dropped_and_a_server_hiccup_uses_the_copy(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = FlakyHost(memory)
    bot = Bot(make_settings(tmp_path, delivery=FAST), backend=memory, host=host)
    async with running(bot):
        gone = memory.inject("gone", alice, general)
        memory.fail_next("fetch_message", MessageNotFound(gone.id))
        assert await outcome(bot.watch(gone.id)) is Outcome.FAILED
        await wait_until(lambda: bot.store.pending_retries("memory", 3) == [], "forgotten")
        assert len(bot.delivery.retries) == 0

        memory.fail_next("fetch_message", ServerUnavailable("502 from the server"))
        hiccup = memory.inject("hiccup", alice, general)
        assert await outcome(bot.watch(hiccup.id)) is Outcome.FAILED
        assert await outcome(bot.watch(hiccup.id)) is Outcome.HANDLED
    assert host.handled == ["gone", "hiccup", "hiccup"]
    assert memory.marked_read == [[hiccup.id]]
