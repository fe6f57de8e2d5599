"""What people get back on the local Zulip when they ask as people do: "who read this?"
questions, words that are no command, links to another server or to no possible message,
commands they may not use, absurd audit windows, and a command that fails. Each request gets
exactly one reply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from botkit.readstatus.engine import ReadStatus, ReadStatusEngine

from .running import running
from .zulip_world import ZulipWorld, zulip_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ZulipWorld]:
    with zulip_world(tmp_path) as made:
        yield made


def _announce(world: ZulipWorld) -> int:
    """Alice announces; Bob reads; Carol and Dave do not."""
    mid = world.server.send_message(world.alice, world.general, "news", "Release on Friday")
    world.server.mark_read(world.bob, [mid])
    return mid


async def test_who_read_questions_are_answered(world: ZulipWorld) -> None:
    mid = _announce(world)
    quote = (
        f"@_**Alice Liddell|{world.alice.id}** [said]({world.link(mid)}):\n"
        "```quote\nRelease on Friday\n```\n"
    )
    async with running(world.settings()):
        with_id = await world.ask(world.carol, f"@**Receipt Bot** who read this? #{mid}")
        with_link = await world.ask(world.carol, f"@**Receipt Bot** who has read {world.link(mid)}")
        quoted = await world.ask(world.carol, quote + "@**Receipt Bot** who read this?")
        direct = await world.ask_directly(world.carol, f"who read {mid}?")
        nothing = await world.ask(world.carol, "@**Receipt Bot** who read this?")
    for reply in (with_id, with_link, quoted, direct):
        assert reply.startswith(f"**Read by 1 of 3** (33%): [message {mid}]"), reply
    assert nothing.startswith("no message given: pass a message id or link, or quote the message")
    assert len(world.bot_posts()) == 5  # one reply each: no "Unknown command" besides


async def test_replies_to_what_is_not_understood_or_not_allowed(world: ZulipWorld) -> None:
    mid = _announce(world)
    other = f"http://other.example.com/#narrow/channel/{world.general}-general/topic/x/near/{mid}"
    huge = "9" * 20
    async with running(world.settings()):
        hello = await world.ask(world.carol, "@**Receipt Bot** hello there")
        typed = await world.ask(world.carol, "!hello there")
        foreign = await world.ask(world.carol, f"!receipts {other}")
        too_big = await world.ask(world.carol, f"!receipts {world.link(int(huge))}")
        help_refused = await world.ask(world.carol, "!help audit")
        refused = await world.ask(world.carol, "!audit general 1d")
        absurd = await world.ask(world.dave, "!audit general 200000w")
        still_up = await world.ask(world.dave, "!audit general 1d")
    assert hello == "Unknown command 'hello'. Try !help."
    assert typed == "Unknown command !hello. Try !help."
    assert foreign == "That link points to other.example.com, not to this server."
    assert too_big == f"I can't find message {huge}, or you can't see it."
    assert help_refused == refused == "Sorry, you are not allowed to use !audit."
    assert absurd.startswith("'200000w' is too long")
    assert absurd.endswith("Usage: !audit CHANNEL [SINCE]")
    assert still_up.startswith("**Read audit of #general**")
    assert len(world.bot_posts()) == 8


async def test_a_failing_command_says_so_once_and_is_retried_later(
    world: ZulipWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = _announce(world)

    async def broken(self: ReadStatusEngine, message: object) -> ReadStatus:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(ReadStatusEngine, "status", broken)
    async with running(world.settings()):
        chat = world.server.send_message(world.carol, world.general, "news", "thanks, Alice")
        await world.wait_read_by_bot(chat)  # the control: a handled message is marked read
        before = len(world.bot_posts())
        request = world.server.send_message(world.carol, world.general, "news", f"!receipts {mid}")
        [reply] = (await world.wait_for_posts(before + 1))[before:]
    assert reply == (
        "Sorry, !receipts failed; the error was logged and the message will be tried again later."
    )
    assert len(world.bot_posts()) == before + 1  # once
    assert "read" not in world.server.message_flags(world.bot, request)  # offered again later
