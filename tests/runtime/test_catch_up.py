"""Messages from while the bot was away are handled before live ones, within the limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from botkit.backends.memory import MemoryBackend
from botkit.runtime import Bot

from .conftest import ScriptedHost, make_settings, running


async def test_backlog_is_handled_before_live_messages(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    week_ago = datetime.now(UTC) - timedelta(days=7)
    memory.inject_offline("too old", alice, general, at=week_ago)
    backlog = [memory.inject_offline(f"missed {i}", alice, general) for i in range(3)]
    host = ScriptedHost(memory)
    settings = make_settings(tmp_path, catch_up={"max_messages": 2, "max_age": "1d"})
    bot = Bot(settings, backend=memory, host=host)
    async with running(bot):
        live = memory.inject("live", alice, general)
        await bot.delivery.drain(5)
        await bot.delivery.acks.flush()
        # ready means the allowed backlog was offered
        assert host.handled[:2] == ["missed 0", "missed 1"]
    assert host.handled == ["missed 0", "missed 1", "live"]
    read = {m for batch in memory.marked_read for m in batch}
    assert read == {backlog[0].id, backlog[1].id, live.id}


async def test_catch_up_can_be_turned_off(tmp_path: Path, memory: MemoryBackend) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    memory.inject_offline("missed", alice, general)
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path, catch_up={"enabled": False}), backend=memory, host=host)
    async with running(bot):
        assert bot.ready.is_set()
    assert host.handled == []
