"""The bot never handles its own messages, even if a backend hands them over."""

from __future__ import annotations

from pathlib import Path

from botkit.backends.memory import MemoryBackend
from botkit.delivery import Outcome
from botkit.runtime import Bot

from .conftest import ScriptedHost, make_settings, outcome, running


async def test_own_messages_are_dropped_but_other_bots_reach_the_host(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    other_bot = memory.add_user("other", is_bot=True)
    general = memory.add_channel("general", [other_bot])
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path), backend=memory, host=host)
    async with running(bot):
        own = memory.inject("echo: hi", bot.bot_user, general)
        assert await outcome(bot.watch(own.id)) is Outcome.OWN
        other = memory.inject("from another bot", other_bot, general)
        # filtering other bots is the plugin host's job (handlers may opt in)
        assert await outcome(bot.watch(other.id)) is Outcome.HANDLED
    assert host.handled == ["from another bot"]
    assert memory.marked_read == [[other.id]]
