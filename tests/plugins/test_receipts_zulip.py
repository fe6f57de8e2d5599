"""``!receipts`` end to end on the local Zulip: every argument form, the reply's content
(silent mentions, opted-out readers never shown as readers, sender and bots left out), privacy,
errors and mention escaping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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


async def test_reply_names_readers_silently_and_says_no_receipt(world: ZulipWorld) -> None:
    mid = _announce(world)
    async with running(world.settings()):
        reply = await world.ask(world.carol, f"!receipts {mid}")
    first, readers, missing = reply.splitlines()
    assert first.startswith(f"**Read by 1 of 3** (33%): [message {mid}]({world.link(mid)})")
    assert f"by @_**Alice Liddell|{world.alice.id}** in #general > news" in first
    assert readers == f"Read (1): @_**Bob Cratchit|{world.bob.id}**"  # no read times on Zulip
    assert missing == (
        f"No receipt (2): @_**Carol Danvers|{world.carol.id}**, @_**Dave Admin|{world.dave.id}**"
    )


async def test_opted_out_reader_is_no_receipt_not_a_reader(world: ZulipWorld) -> None:
    world.server.set_send_read_receipts(world.carol, False)
    mid = _announce(world)
    world.server.mark_read(world.carol, [mid])  # she read it, but hides her receipts
    async with running(world.settings()):
        reply = await world.ask(world.dave, f"!receipts {mid}")
    assert reply.startswith("**Read by 1 of 3**")
    assert "No receipt (2): @_**Carol Danvers" in reply


async def test_bot_processed_it_shows_with_include_bots(world: ZulipWorld) -> None:
    async with running(world.settings(receipts={"include_bots": True})):
        mid = _announce(world)
        await world.wait_read_by_bot(mid)
        reply = await world.ask(world.carol, f"!receipts {mid}")
    assert reply.startswith("**Read by 2 of 4**")
    assert f"@_**Receipt Bot|{world.bot.id}**" in reply.splitlines()[1]


@pytest.mark.parametrize("form", ["id", "near", "with", "stream", "subject", "mention", "alias"])
async def test_argument_forms(world: ZulipWorld, form: str) -> None:
    mid = _announce(world)
    url = world.server.url
    text = {
        "id": f"!receipts {mid}",
        "near": f"!receipts {world.link(mid)}",
        "with": f"!receipts {world.link(mid, 'with')}",
        "stream": f"!receipts {url}/#narrow/stream/{world.general}-general/topic/news/near/{mid}",
        "subject": f"!receipts {url}/#narrow/stream/general/subject/news/near/{mid}",
        "mention": f"@**Receipt Bot** receipts {mid}",
        "alias": f"!who-read {mid}",
    }[form]
    async with running(world.settings()):
        reply = await world.ask(world.carol, text)
    assert reply.startswith("**Read by 1 of 3**")


async def test_quote_and_reply(world: ZulipWorld) -> None:
    mid = _announce(world)
    quote = (
        f"@_**Alice Liddell|{world.alice.id}** [said]({world.link(mid)}):\n"
        "```quote\nRelease on Friday\n```\n"
    )
    async with running(world.settings()):
        by_prefix = await world.ask(world.carol, quote + "!receipts")
        by_mention = await world.ask(world.carol, quote + "@**Receipt Bot** who-read this?")
    assert by_prefix.startswith("**Read by 1 of 3**")
    assert by_mention.startswith("**Read by 1 of 3**")


async def test_direct_message_and_dm_link(world: ZulipWorld) -> None:
    mid = _announce(world)
    note = world.server.send_direct(world.alice, [world.bob], "just us")
    world.server.mark_read(world.bob, [note])
    dm_link = f"{world.server.url}/#narrow/dm/{world.alice.id},{world.bob.id}-dm/near/{note}"
    async with running(world.settings()):
        plain = await world.ask_directly(world.carol, f"receipts {world.link(mid)}")
        # the bot is not in Alice and Bob's conversation: it cannot see it, for anyone
        hidden = await world.ask_directly(world.alice, f"receipts {dm_link}")
    assert plain.startswith("**Read by 1 of 3**")
    assert "can't find message" in hidden


async def test_privacy_hidden_message_reads_like_a_missing_one(world: ZulipWorld) -> None:
    mid = world.server.send_message(world.alice, world.secret, "plans", "Secret plan")
    async with running(world.settings()):
        hidden = await world.ask_directly(world.carol, f"receipts {mid}")
        missing = await world.ask_directly(world.carol, "receipts 99999")
        member = await world.ask_directly(world.bob, f"receipts {mid}")
        in_public = await world.ask(world.bob, f"!receipts {mid}")
    assert hidden == missing.replace("99999", str(mid))
    assert member.startswith("**Read by 0 of 1**")
    assert "private conversation" in in_public


async def test_admins_see_all_only_when_configured(world: ZulipWorld) -> None:
    mid = world.server.send_message(world.alice, world.secret, "plans", "Secret plan")
    async with running(world.settings()):
        closed = await world.ask_directly(world.dave, f"receipts {mid}")
    async with running(world.settings(receipts={"admins_see_all": True})):
        opened = await world.ask_directly(world.dave, f"receipts {mid}")
    assert "can't find message" in closed
    assert opened.startswith("**Read by 0 of 1**")


async def test_realm_receipts_disabled(world: ZulipWorld) -> None:
    mid = _announce(world)
    world.server.set_realm_read_receipts(False)
    async with running(world.settings()):
        reply = await world.ask(world.carol, f"!receipts {mid}")
    assert "turned off in this organization" in reply


async def test_malformed_argument_gets_usage(world: ZulipWorld) -> None:
    async with running(world.settings()):
        reply = await world.ask(world.carol, "!receipts abc")
    assert "'abc' is not a message: give a number or a message link" in reply
    assert "Usage: !receipts <message id or link>" in reply


async def test_names_that_look_like_mentions_ping_nobody(world: ZulipWorld) -> None:
    loud = world.server.create_user("@**all**", "loud@example.com")
    world.server.subscribe(loud, world.general)
    mid = _announce(world)
    world.server.mark_read(loud, [mid])
    async with running(world.settings()):
        reply = await world.ask(world.carol, f"!receipts {mid}")
    assert "@**all**" not in reply
    assert "@\u200b\\*\\*all\\*\\*" in reply


async def test_server_too_old(tmp_path: Path) -> None:
    with zulip_world(tmp_path, feature_level=100) as old:  # Zulip 5.x: no receipts endpoint
        mid = _announce(old)
        async with running(old.settings()):
            reply = await old.ask(old.carol, f"!receipts {mid}")
    assert reply.startswith("This server is too old for read receipts")
    assert "Zulip 6.0 or newer" in reply
