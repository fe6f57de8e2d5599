"""The built-in help command."""

from __future__ import annotations

from .conftest import ChatFactory

PLUGIN = """
    from botkit.plugin import Plugin, command

    class Tools(Plugin):
        @command("greet", help="Greet someone", aliases=["hi", "hello"])
        async def greet(self, ctx, name: str, times: int = 1) -> str:
            return name

        @command
        async def uptime(self, ctx) -> str:
            '''How long the bot has been up.

            More detail that help does not show.'''
            return "1 day"

        @command("reset", help="Forget everything", admin_only=True)
        async def reset(self, ctx) -> str:
            return "done"
"""
ADMIN = {"admins": ["bob"]}


async def test_help_lists_usable_commands_with_aliases(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"tools.py": PLUGIN}, acl=ADMIN)
    (text,) = await chat.send("!help")
    assert text == (
        "Commands:\n"
        "- `!greet` (also `!hi`, `!hello`): Greet someone\n"
        "- `!help`: List the commands you can use, or show how to use one\n"
        "- `!uptime`: How long the bot has been up.\n"
        "Send `!help COMMAND` for its usage."
    )
    (admin_text,) = await chat.send("!help", sender=chat.bob)
    assert "- `!reset`: Forget everything" in admin_text


async def test_help_for_one_command_shows_usage(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"tools.py": PLUGIN}, acl=ADMIN)
    expected = ["Usage: !greet NAME [TIMES]\nGreet someone\nAliases: !hi, !hello"]
    assert await chat.send("!help greet") == expected
    assert await chat.send("!help hi") == expected
    assert await chat.send("help !GREET", to=chat.dm(chat.alice)) == expected
    assert await chat.send("!help uptime") == ["Usage: !uptime\nHow long the bot has been up."]


async def test_help_for_a_refused_command_answers_like_the_command(
    chat_factory: ChatFactory,
) -> None:
    chat = await chat_factory({"tools.py": PLUGIN}, acl=ADMIN)
    assert await chat.send("!help nope") == ["Unknown command !nope. Try !help."]
    refused = ["Sorry, you are not allowed to use !reset."]
    assert await chat.send("!reset") == refused
    assert await chat.send("!help reset") == refused
    assert "reset" not in (await chat.send("!help"))[0]  # the overview lists usable ones only
    assert await chat.send("!help reset", sender=chat.bob) == ["Usage: !reset\nForget everything"]


async def test_help_uses_the_configured_prefix(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"tools.py": PLUGIN}, bot={"command_prefix": "?"})
    assert await chat.send("?help greet") == [
        "Usage: ?greet NAME [TIMES]\nGreet someone\nAliases: ?hi, ?hello"
    ]
