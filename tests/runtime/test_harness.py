"""botkit.testing: plugin authors drive real plugins through a real Bot on the memory backend."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from pydantic import BaseModel

from botkit.errors import PluginError
from botkit.plugin import Context, Plugin, command, on_message
from botkit.testing import BotHarness, Outcome


class Greeter(Plugin):
    name = "greeter"

    class Config(BaseModel):
        greeting: str = "Hello"

    @command("hello")
    async def hello(self, ctx: Context, who: str) -> str:
        """Greet someone."""
        return f"{self.config.greeting}, {who}"

    @command("crash")
    async def crash(self, ctx: Context) -> str:
        """Always fails."""
        raise RuntimeError("crashed on purpose")

    @on_message(r"\bping\b")
    async def pong(self, ctx: Context) -> str:
        return "pong"


async def test_say_returns_replies_and_messages_get_marked_read() -> None:
    config = {"plugins": {"greeter": {"greeting": "Howdy"}}}
    async with BotHarness(plugins=[Greeter], config=config) as h:
        alice = h.user("alice")
        assert await h.say("!hello world", sender=alice) == ["Howdy, world"]
        assert await h.say("ping", sender=alice, direct=True) == ["pong"]
        assert await h.say("nothing for the bot", sender=alice) == []
        assert len(h.marked_read) == 3
        assert h.sent[1][0].is_direct


async def test_a_crashing_command_is_reported_and_left_unread() -> None:
    async with BotHarness(plugins=[Greeter]) as h:
        with pytest.raises(AssertionError, match="was failed, expected handled"):
            await h.say("!crash")
        replies = await h.say("!crash", expect=None)
        assert len(replies) == 1  # one short apology to the asker (botkit.dispatch) ...
        assert "crashed on purpose" not in replies[0]  # ... never the exception's text
        assert h.marked_read == []


async def test_the_bot_ignores_its_own_messages() -> None:
    async with BotHarness(plugins=[Greeter]) as h:
        assert await h.say("ping", sender=h.bot_user, expect=Outcome.OWN) == []
        assert h.marked_read == []


async def test_invalid_plugin_config_fails_at_once() -> None:
    with pytest.raises(PluginError, match="greeter"):
        async with BotHarness(plugins=[Greeter], config={"plugins": {"greeter": {"nope": 1}}}):
            pass


async def test_the_fixture_starts_and_stops_harnesses(
    bot_harness: Callable[..., Awaitable[BotHarness]],
) -> None:
    h = await bot_harness(plugins=[Greeter])
    assert await h.say("!hello fixture") == ["Hello, fixture"]
