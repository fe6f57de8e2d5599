"""Restarting with the same state: what arrived while the bot was down is handled once, within
the catch-up limits (the first start is in test_rc_e2e_first_start.py)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from .conftest import World, running_bot, wait_until


def has_bot_receipt(world: World, message_id: str) -> bool:
    return world.bot.id in {uid for uid, _ in world.server.receipts(message_id)}


async def test_restart_handles_what_arrived_meanwhile_once(world: World) -> None:
    server = world.server
    async with running_bot(world) as (_, host):
        before = server.send_message(world.alice, world.general, "before")
        await wait_until(lambda: host.texts() == ["before"], "the first message is handled")
        await wait_until(lambda: has_bot_receipt(world, before), "it is marked read")
    # the bot is down
    parent = server.send_message(world.alice, world.general, "down 1")
    server.send_message(world.alice, world.dm, "down 2")
    server.send_message(world.bob, world.general, "down 3 in a thread", tmid=parent)
    server.send_message(world.alice, world.team, "down 4")
    async with running_bot(world) as (_, host):
        await wait_until(lambda: len(host.handled) == 4, "the backlog is handled")
        await wait_until(lambda: has_bot_receipt(world, parent), "the backlog is marked read")
        live = server.send_message(world.alice, world.general, "live")
        await wait_until(lambda: "live" in host.texts(), "live messages follow")
        await wait_until(lambda: has_bot_receipt(world, live), "and are marked read")
    assert host.texts()[:4] == ["down 1", "down 2", "down 3 in a thread", "down 4"]  # oldest first
    assert host.texts().count("before") == 0


async def test_catch_up_keeps_the_newest_max_messages_and_logs_the_rest(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(world) as (_, host):
        world.server.send_message(world.alice, world.general, "seen")
        await wait_until(lambda: host.texts() == ["seen"], "the bot has a cursor")
    world.server.send_many(
        [{"sender": world.alice, "rid": world.general, "text": f"old {i}"} for i in range(5)]
    )
    caplog.set_level(logging.INFO, logger="botkit.backends.rocketchat")
    async with running_bot(world, catch_up={"max_messages": 2}) as (_, host):
        await wait_until(lambda: len(host.handled) == 2, "two messages are caught up")
        world.server.send_message(world.alice, world.general, "live")
        await wait_until(lambda: "live" in host.texts(), "live messages follow")
    assert host.texts() == ["old 3", "old 4", "live"]
    assert "more message(s) than max_messages = 2" in caplog.text


async def test_catch_up_skips_messages_older_than_max_age(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(world) as (_, host):
        world.server.send_message(world.alice, world.general, "seen")
        await wait_until(lambda: host.texts() == ["seen"], "the bot has a cursor")
    world.server.send_message(world.alice, world.general, "too old")
    await asyncio.sleep(0.6)  # let it age past max_age (not synchronisation)
    world.server.send_message(world.alice, world.general, "recent")
    caplog.set_level(logging.INFO, logger="botkit.backends.rocketchat")
    async with running_bot(world, catch_up={"max_age": 0.5}) as (_, host):
        await wait_until(lambda: host.texts() == ["recent"], "only the recent one is handled")
    assert "older than max_age and are not handled" in caplog.text
    assert "next read mark in such a room covers them" in caplog.text


async def test_catch_up_off_skips_the_backlog(world: World) -> None:
    async with running_bot(world) as (_, host):
        world.server.send_message(world.alice, world.general, "seen")
        await wait_until(lambda: host.texts() == ["seen"], "the bot has a cursor")
    world.server.send_message(world.alice, world.general, "while down")
    async with running_bot(world, catch_up={"enabled": False}) as (_, host):
        world.server.send_message(world.alice, world.general, "live")
        await wait_until(lambda: "live" in host.texts(), "live messages are handled")
    assert host.texts() == ["live"]
