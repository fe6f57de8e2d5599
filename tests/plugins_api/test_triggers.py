"""Which messages reach which handlers: prefix, @-mention and direct-message commands,
on_message patterns, bots, and failures."""

from __future__ import annotations

import pytest

from botkit.models import Conversation
from botkit.plugin_host import HandlerFailed

from .conftest import ChatFactory

PLUGIN = """
    import threading
    from botkit.plugin import Plugin, command, on_message

    class Greeter(Plugin):
        @command("greet")
        async def greet(self, ctx, name: str) -> str:
            return f"Hello, {name}"

        @command("ping", include_bots=True)
        async def ping(self, ctx) -> str:
            return "pong"

        @on_message(r"(?i)\\bthanks\\b")
        def thanks(self, ctx) -> None:
            # plain def: runs in a worker thread, answers through the loop
            worker = threading.current_thread() is not threading.main_thread()
            where = "thread" if worker else "loop"
            ctx.reply_sync(f"you're welcome ({ctx.match.group(0)}, {where})")

        @on_message(lambda m: m.text.startswith("beep"), include_bots=True)
        async def beep(self, ctx) -> str:
            return "boop"
"""


async def test_prefix_command_replies_in_the_same_topic(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    message = chat.post("!greet bob")
    await chat.host.handle(message)
    assert chat.backend.sent == [(message.conversation, "Hello, bob")]
    assert chat.backend.sent[0][0].topic == "lunch"


async def test_reply_stays_in_the_thread(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    thread = Conversation.channel(chat.general.id, "general", thread_id="t-1")
    await chat.send("!greet bob", to=thread)
    assert chat.backend.sent[-1] == (thread, "Hello, bob")


@pytest.mark.parametrize(
    "text",
    [
        "@**botkit** greet bob",
        "@_**botkit|{id}** greet bob",
        "@**BotKit**: !greet bob",
        "@botkit-bot greet bob",
        "@botkit-bot, greet bob",
    ],
)
async def test_leading_mention_invokes_a_command(chat_factory: ChatFactory, text: str) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    text = text.format(id=chat.bot.id)
    assert await chat.send(text, mentions_bot=True) == ["Hello, bob"]


async def test_mentions_that_are_not_commands(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    assert await chat.send("hey @**botkit** greet bob", mentions_bot=True) == []
    assert await chat.send("@**Alice** greet bob") == []


async def test_direct_message_needs_no_prefix(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    dm = chat.dm(chat.alice)
    assert await chat.send("greet bob", to=dm) == ["Hello, bob"]
    assert await chat.send("!greet bob", to=dm) == ["Hello, bob"]
    assert chat.backend.sent[-1][0] == dm
    group = chat.backend.direct(chat.alice, chat.bob, chat.bot)
    assert await chat.send("greet bob", to=group) == []


async def test_unknown_commands(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    assert await chat.send("!nope") == ["Unknown command !nope. Try !help."]
    # the prefix form is shown only to those who typed the prefix
    assert await chat.send("@**botkit** hello there", mentions_bot=True) == [
        "Unknown command 'hello'. Try !help."
    ]
    assert await chat.send("@**botkit** !nope", mentions_bot=True) == [
        "Unknown command !nope. Try !help."
    ]
    assert await chat.send("what now", to=chat.dm(chat.alice)) == [
        "Unknown command 'what'. Try !help."
    ]
    # plain talk in a channel, and punctuation after the prefix, are not commands
    assert await chat.send("nope") == []
    assert await chat.send("!!! wow") == []


async def test_direct_talk_taken_by_a_handler_is_not_an_unknown_command(
    chat_factory: ChatFactory,
) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    replies = await chat.send("thanks a lot", to=chat.dm(chat.alice))
    assert replies == ["you're welcome (thanks, thread)"]


async def test_on_message_regex_and_predicate(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    assert await chat.send("Thanks, everyone") == ["you're welcome (Thanks, thread)"]
    assert await chat.send("beep beep") == ["boop"]
    assert await chat.send("no match here") == []


async def test_own_messages_are_ignored(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    assert await chat.send("!greet bob", sender=chat.bot) == []
    assert await chat.send("beep thanks", sender=chat.bot) == []


async def test_other_bots_only_reach_handlers_that_opt_in(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": PLUGIN})
    bot = chat.other_bot
    assert await chat.send("!greet bob", sender=bot) == []
    assert await chat.send("!nope", sender=bot) == []  # no "unknown command" ping-pong
    assert await chat.send("thanks", sender=bot) == []
    assert await chat.send("!ping", sender=bot) == ["pong"]
    assert await chat.send("beep", sender=bot) == ["boop"]


async def test_every_handler_runs_then_failures_are_raised(chat_factory: ChatFactory) -> None:
    chat = await chat_factory(
        {
            "flaky.py": """
                from botkit.plugin import on_message, command

                @on_message("boom")
                async def explode(ctx):
                    raise RuntimeError("first handler broke")

                @on_message("boom")
                async def survive(ctx):
                    await ctx.reply("still here")

                @command("boom")
                def crash(ctx):
                    raise ValueError("command broke")
            """
        }
    )
    with pytest.raises(HandlerFailed) as caught:
        await chat.send("!boom")
    assert [text for _, text in chat.backend.sent[-2:]] == [
        "still here",
        "Sorry, !boom failed; the error was logged and the message will be tried again later.",
    ]
    assert [type(e) for e in caught.value.errors] == [RuntimeError, ValueError]
    assert "first handler broke" in str(caught.value)


FAILING = """
    from botkit.plugin import on_message, command

    @on_message("fragile")
    async def watch(ctx):
        raise RuntimeError("watcher broke: secret-token-123")

    @command("crash", aliases=["oops"])
    async def crash(ctx):
        raise ValueError("command broke: secret-token-456")
"""


async def test_a_failing_command_says_so_once_without_the_error(
    chat_factory: ChatFactory,
) -> None:
    chat = await chat_factory({"failing.py": FAILING})
    message = chat.post("!oops")
    for _ in range(2):  # the retry fails again, quietly
        with pytest.raises(HandlerFailed):  # still a failure: delivery retries the message
            await chat.host.handle(message)
    assert [text for _, text in chat.backend.sent] == [
        "Sorry, !crash failed; the error was logged and the message will be tried again later."
    ]
    assert chat.backend.sent[0][0] == chat.general


async def test_a_failing_message_handler_stays_silent(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"failing.py": FAILING})
    with pytest.raises(HandlerFailed):
        await chat.send("this is fragile")
    assert chat.backend.sent == []


async def test_long_replies_are_split(chat_factory: ChatFactory) -> None:
    chat = await chat_factory(
        {
            "long.py": """
                from botkit.plugin import command

                @command("long")
                async def long(ctx):
                    return "\\n".join(["x" * 8] * 5)
            """
        }
    )
    chat.backend.max_message_length = 20
    replies = await chat.send("!long")
    assert replies == ["xxxxxxxx\nxxxxxxxx", "xxxxxxxx\nxxxxxxxx", "xxxxxxxx"]
