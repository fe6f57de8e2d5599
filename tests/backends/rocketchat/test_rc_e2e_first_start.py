"""The first start in a room (no cursor yet): the bot handles what its account has not read there
(after the subscription's last-seen time, else since it joined) before it ever marks the room read,
so its read receipt still means "processed"; without read receipts and without a last-seen time it
starts from now."""

from __future__ import annotations

import logging

import pytest

from .conftest import World, running_bot, wait_until


def bot_read(world: World, message_id: str) -> bool:
    return world.bot.id in {uid for uid, _ in world.server.receipts(message_id)}


async def test_the_unread_backlog_is_handled_before_the_room_is_marked_read(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    server = world.server
    welcome = server.send_message(world.alice, world.general, "Welcome!")
    caplog.set_level(logging.INFO, logger="botkit.backends.rocketchat")
    async with running_bot(world) as (_, host):
        live = server.send_message(world.alice, world.general, "live")
        await wait_until(lambda: "live" in host.texts(), "the live message is handled")
        await wait_until(lambda: bot_read(world, live), "the room is marked read")
    assert host.texts() == ["Welcome!", "live"]
    handled = {m.id for m in host.handled}
    assert {m for m in (welcome, live) if bot_read(world, m)} <= handled  # receipt = processed
    assert "handling what the bot's account has not read" in caplog.text


async def test_the_start_is_the_accounts_last_seen_time(world: World) -> None:
    server = world.server
    server.send_message(world.alice, world.general, "read with the bot's account")
    server.read_room(world.bot, world.general)  # the subscription's ls
    server.send_message(world.bob, world.general, "unread")
    async with running_bot(world) as (_, host):
        await wait_until(lambda: host.texts() == ["unread"], "the unread message is handled")
        server.send_message(world.alice, world.team, "live")
        await wait_until(lambda: "live" in host.texts(), "live messages follow")
    assert host.texts() == ["unread", "live"]


async def test_the_backlog_is_bounded_by_max_messages_and_says_the_read_mark_covers_the_rest(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    server = world.server
    ids = server.send_many(
        [{"sender": world.alice, "rid": world.general, "text": f"old {i}"} for i in range(3)]
    )
    caplog.set_level(logging.INFO, logger="botkit.backends.rocketchat")
    async with running_bot(world, catch_up={"max_messages": 2}) as (_, host):
        await wait_until(lambda: host.texts() == ["old 1", "old 2"], "the newest two are handled")
        await wait_until(lambda: bot_read(world, ids[2]), "the room is marked read")
    assert "more message(s) than max_messages = 2" in caplog.text
    assert "the bot's next read mark in such a room covers them" in caplog.text
    assert bot_read(world, ids[0])  # the documented cost: left out, yet covered by the read mark


async def test_without_read_receipts_last_seen_counts_and_otherwise_it_starts_from_now(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    server = world.server
    server.read_room(world.bot, world.general)
    server.send_message(world.alice, world.general, "after last seen")
    server.send_message(world.alice, world.team, "never seen")
    caplog.set_level(logging.INFO, logger="botkit.backends.rocketchat")
    async with running_bot(world, send_read_receipts=False) as (_, host):
        await wait_until(lambda: host.texts() == ["after last seen"], "the unread one is handled")
        server.send_message(world.alice, world.team, "live")
        await wait_until(lambda: "live" in host.texts(), "live messages follow")
    assert host.texts() == ["after last seen", "live"]
    assert "send_read_receipts = false and no last-seen time" in caplog.text
    assert "starting from now there" in caplog.text
    assert world.bot_requests("/api/v1/subscriptions.read") == []


async def test_with_catch_up_off_the_first_start_begins_at_now(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    server = world.server
    server.send_message(world.alice, world.general, "from the past")
    caplog.set_level(logging.INFO, logger="botkit.backends.rocketchat")
    async with running_bot(world, catch_up={"enabled": False}) as (_, host):
        server.send_message(world.alice, world.general, "new")
        await wait_until(lambda: "new" in host.texts(), "the new message is handled")
    assert host.texts() == ["new"]
    assert "catch-up is off; not handling the backlog" in caplog.text
    assert "next read mark in such a room covers them" in caplog.text
