"""Through the real runtime: every message handled once, replies posted, rooms marked read with one
subscriptions.read per room per flush, the bot's own messages never handled."""

from __future__ import annotations

from .conftest import World, running_bot, wait_until


def has_bot_receipt(world: World, message_id: str) -> bool:
    return world.bot.id in {uid for uid, _ in world.server.receipts(message_id)}


async def test_channel_group_dm_and_thread_messages_are_handled_once_and_marked_read(
    world: World,
) -> None:
    server = world.server
    async with running_bot(world) as (_, host):
        first = server.send_message(world.alice, world.general, "hello @bot")
        group = server.send_message(world.alice, world.team, "in the group")
        direct = server.send_message(world.alice, world.dm, "in private")
        server.send_message(world.bob, world.general, "in a thread", tmid=first)
        await wait_until(lambda: len(host.handled) == 4, "four messages are handled")
        await wait_until(
            lambda: len(world.bot_requests("/api/v1/chat.postMessage")) == 4, "four replies"
        )
        await wait_until(
            lambda: all(has_bot_receipt(world, m) for m in (first, group, direct)),
            "every room is marked read: the bot's receipts are on the messages",
        )
    by_text = {m.text: m for m in host.handled}
    assert sorted(by_text) == ["hello @bot", "in a thread", "in private", "in the group"]
    assert len(host.handled) == 4  # once each; the bot's replies never come back as input
    assert by_text["hello @bot"].mentions_bot
    assert not by_text["in the group"].mentions_bot
    assert by_text["in a thread"].conversation.thread_id == first
    assert by_text["in private"].is_direct
    assert by_text["in the group"].conversation.private
    assert by_text["hello @bot"].link == f"{server.url}/channel/general?msg={first}"
    replies = [r.data for r in world.bot_requests("/api/v1/chat.postMessage")]
    assert {"roomId": world.general, "text": "echo: in a thread", "tmid": first} in replies


async def test_one_read_mark_per_room_per_flush_not_per_message(world: World) -> None:
    server = world.server
    async with running_bot(world) as (_, host):
        server.send_many(
            [{"sender": world.alice, "rid": world.general, "text": f"m{i}"} for i in range(20)]
        )
        await wait_until(lambda: len(host.handled) == 20, "twenty messages are handled")
        await wait_until(
            lambda: server.subscription(world.bot, world.general)["unread"] == 0,
            "the room is read",
        )
    reads = world.bot_requests("/api/v1/subscriptions.read")
    # the twenty arrive in one poll; the bot's twenty replies may take a few more cycles to be
    # fetched, but there is never one read per message
    assert 1 <= len(reads) <= 3
    assert all(r.data == {"rid": world.general} for r in reads)
