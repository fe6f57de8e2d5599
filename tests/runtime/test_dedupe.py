"""A message offered twice -- replayed live, or again after a restart -- is handled once."""

from __future__ import annotations

from pathlib import Path

from botkit.backends.memory import MemoryBackend
from botkit.delivery import Outcome
from botkit.errors import ServerUnavailable
from botkit.runtime import Bot

from .conftest import ScriptedHost, fast_backoff, make_settings, outcome, running, wait_until


async def test_live_replay_in_the_same_run_is_handled_once(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path), backend=memory, host=host)
    async with running(bot):
        message = memory.inject("hello", alice, general)
        assert await outcome(bot.watch(message.id)) is Outcome.HANDLED
        memory.redeliver(message)
        assert await outcome(bot.watch(message.id)) is Outcome.DUPLICATE
    assert host.handled == ["hello"]
    assert memory.sent == [(general, "echo: hello")]
    assert memory.marked_read == [[message.id]]


async def test_replay_after_restart_with_same_data_dir_is_handled_once(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    first_host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path), backend=memory, host=first_host)
    async with running(bot):
        message = memory.inject("hello", alice, general)
        assert await outcome(bot.watch(message.id)) is Outcome.HANDLED

    second_host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path), backend=memory, host=second_host)
    async with running(bot):
        memory.redeliver(message)  # the server replays it after the restart
        assert await outcome(bot.watch(message.id)) is Outcome.DUPLICATE
    assert first_host.handled == ["hello"]
    assert second_host.handled == []
    assert memory.sent == [(general, "echo: hello")]


async def test_a_new_data_dir_forgets_what_was_handled(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    """The control case for the test above: the dedupe really comes from the store."""
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    bot = Bot(make_settings(tmp_path / "one"), backend=memory, host=ScriptedHost(memory))
    async with running(bot):
        message = memory.inject("hello", alice, general)
        assert await outcome(bot.watch(message.id)) is Outcome.HANDLED
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path / "two"), backend=memory, host=host)
    async with running(bot):
        memory.redeliver(message)
        assert await outcome(bot.watch(message.id)) is Outcome.HANDLED
    assert host.handled == ["hello"]


async def test_handled_but_unacknowledged_is_only_acknowledged_after_restart(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    """A crash between recording "handled" and marking read: the server still shows the message
    unread, so catch-up offers it again; it is acknowledged, not handled again."""
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    settings = make_settings(tmp_path, delivery={"shutdown_timeout": "0.2s"})
    memory.fail_next("mark_read", ServerUnavailable("server down"), times=1000)
    first_host = ScriptedHost(memory)
    bot = Bot(settings, backend=memory, host=first_host, ack_backoff=fast_backoff())
    async with running(bot):
        message = memory.inject("hello", alice, general)
        store = bot.store
        await wait_until(lambda: store.is_handled("memory", message.id), "recorded handled")
    assert not memory.is_read_by_bot(message.id)
    memory.clear_failures()  # the server is back

    second_host = ScriptedHost(memory)
    bot = Bot(settings, backend=memory, host=second_host)
    async with running(bot):  # catch-up runs before ready
        assert bot.delivery.counts[Outcome.DUPLICATE] == 1
        await bot.delivery.acks.flush()
    assert second_host.handled == []
    assert memory.is_read_by_bot(message.id)
    assert memory.sent == [(general, "echo: hello")]
