"""``!receipts`` end to end on the local Rocket.Chat: every argument form, the reply's content
(read times, sender and bots left out), privacy, errors and mention escaping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .rc_world import RcWorld, rc_world
from .running import running


@pytest.fixture
def world(tmp_path: Path) -> Iterator[RcWorld]:
    with rc_world(tmp_path) as made:
        yield made


def _announce(world: RcWorld) -> str:
    """Alice announces; Bob reads; Carol and Dave do not."""
    mid = world.server.send_message(world.alice, world.general, "Release on Friday")
    world.server.read_room(world.bob, world.general)
    return mid


async def test_reply_lists_readers_with_times_and_who_has_not_read(world: RcWorld) -> None:
    mid = _announce(world)
    async with running(world.settings()):
        reply = await world.ask(world.carol, world.general, f"!receipts {mid}")
    first, readers, missing = reply.splitlines()
    assert first.startswith("**Read by 1 of 3** (33%): [message ")
    assert f"/channel/general?msg={mid})" in first
    assert "by Alice Liddell in #general" in first
    assert readers.startswith("Read (1): Bob Builder (20")  # with the read time
    assert readers.endswith(" UTC)")
    assert missing == "Not read yet (2): Carol Danvers, Dave Admin"
    assert "Receipt Bot" not in reply  # the bot marked it read, but bots are left out


async def test_include_bots_shows_the_bot_processed_it(world: RcWorld) -> None:
    async with running(world.settings(receipts={"include_bots": True})):
        mid = _announce(world)  # while the bot runs: it handles the message and marks it read
        await world.wait_read_by_bot(mid)
        reply = await world.ask(world.carol, world.general, f"!receipts {mid}")
    assert reply.startswith("**Read by 2 of 4**")
    assert "Receipt Bot (" in reply


@pytest.mark.parametrize("form", ["id", "channel-link", "mention", "alias"])
async def test_argument_forms_in_a_channel(world: RcWorld, form: str) -> None:
    mid = _announce(world)
    text = {
        "id": f"!receipts {mid}",
        "channel-link": f"!receipts {world.server.url}/channel/general?msg={mid}",
        "mention": f"@receipt-bot receipts {mid}",
        "alias": f"!who-read {mid}",
    }[form]
    async with running(world.settings()):
        reply = await world.ask(world.carol, world.general, text)
    assert reply.startswith("**Read by 1 of 3**")


async def test_group_link_asked_inside_the_group(world: RcWorld) -> None:
    mid = world.server.send_message(world.alice, world.secret, "Secret plan")
    async with running(world.settings()):
        reply = await world.ask(
            world.bob, world.secret, f"!receipts {world.server.url}/group/secret?msg={mid}"
        )
    assert reply.startswith("**Read by 0 of 1**")  # Bob asked, has not read it; Alice sent it


async def test_direct_link_and_plain_text_in_a_direct_message(world: RcWorld) -> None:
    dm = world.server.create_dm(world.alice, world.bot)
    mid = world.server.send_message(world.alice, dm, "note to self")
    async with running(world.settings()):
        await world.wait_read_by_bot(mid)  # a first start handles the unread DM (and answers)
        reply = await world.ask(
            world.alice, dm, f"receipts {world.server.url}/direct/{dm}?msg={mid}"
        )
    assert reply.startswith("**Read by 0 of 0** (100%)")


async def test_thread_parent_is_the_default_inside_a_thread(world: RcWorld) -> None:
    mid = _announce(world)
    async with running(world.settings()):
        reply = await world.ask(world.carol, world.general, "!receipts", tmid=mid)
    assert reply.startswith("**Read by 1 of 3**")
    assert f"msg={mid})" in reply
    assert world.bot_posts(world.general)[-1][2] == mid  # answered in the thread


async def test_privacy_hidden_message_reads_like_a_missing_one(world: RcWorld) -> None:
    mid = world.server.send_message(world.alice, world.secret, "Secret plan")
    dm = world.server.create_dm(world.carol, world.bot)
    async with running(world.settings()):
        hidden = await world.ask(world.carol, dm, f"receipts {mid}")
        missing = await world.ask(world.carol, dm, "receipts AAAAAAAAAAAAAAAAA")
    assert hidden == missing.replace("AAAAAAAAAAAAAAAAA", mid)
    assert "can't find message" in hidden


async def test_member_asking_in_public_about_a_private_message(world: RcWorld) -> None:
    mid = world.server.send_message(world.alice, world.secret, "Secret plan")
    async with running(world.settings()):
        reply = await world.ask(world.bob, world.general, f"!receipts {mid}")
    assert "private conversation" in reply
    assert "Secret" not in reply


async def test_admins_see_all_when_configured(world: RcWorld) -> None:
    mid = world.server.send_message(world.alice, world.secret, "Secret plan")
    dm = world.server.create_dm(world.dave, world.bot)
    async with running(world.settings(receipts={"admins_see_all": True})):
        reply = await world.ask(world.dave, dm, f"receipts {mid}")
    assert reply.startswith("**Read by 0 of 1**")  # Bob; Alice sent it


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"licence": False}, "premium (Enterprise) licence"),
        ({"read_receipts": False}, "turned off in this organization"),
    ],
)
async def test_receipts_unavailable(world: RcWorld, change: dict[str, bool], expected: str) -> None:
    world.server.set_settings(**change)  # before the message: nothing is recorded for it
    mid = _announce(world)
    async with running(world.settings()):
        reply = await world.ask(world.carol, world.general, f"!receipts {mid}")
    assert expected in reply


async def test_malformed_and_missing_arguments_get_usage(world: RcWorld) -> None:
    async with running(world.settings()):
        malformed = await world.ask(world.carol, world.general, "!receipts what/is/this?")
        nothing = await world.ask(world.carol, world.general, "!receipts")
    assert "is not a message" in malformed
    assert "Usage: !receipts <message id or link>" in malformed
    assert "no message given" in nothing


async def test_names_that_look_like_mentions_ping_nobody(world: RcWorld) -> None:
    loud = world.server.create_user("loud", name="@all @here")
    world.server.add_member(world.general, loud)
    mid = _announce(world)
    world.server.read_room(loud, world.general)
    async with running(world.settings()):
        reply = await world.ask(world.carol, world.general, f"!receipts {mid}")
    assert "@all" not in reply
    assert "@here" not in reply
    assert "@\u200ball @\u200bhere (" in reply


async def test_quoted_message(world: RcWorld) -> None:
    mid = _announce(world)
    quote = f"[ ]({world.server.url}/channel/general?msg={mid}) "
    async with running(world.settings()):
        reply = await world.ask(world.carol, world.general, quote + "!receipts")
    assert reply.startswith("**Read by 1 of 3**")
