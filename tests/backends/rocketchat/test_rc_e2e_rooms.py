"""Room discovery while running: rooms the bot joins later, new DMs, and thread replies that move
a room's message counter but not its last-message time."""

from __future__ import annotations

from .conftest import World, listening, wait_until


async def test_a_new_dm_and_a_room_joined_later_are_picked_up(world: World) -> None:
    server = world.server
    async with listening(world.backend(), world.state) as listener:
        await wait_until(lambda: len(world.bot_requests("/api/v1/rooms.get")) >= 2, "polling")
        dm = server.create_dm(world.bob, world.bot)
        server.send_message(world.bob, dm, "hi bot")
        late = server.create_room("late", type="p", members=[world.alice])
        server.send_message(world.alice, late, "before the bot came")
        server.add_member(late, world.bot)
        server.send_message(world.alice, late, "after the bot came")
        await listener.next_text("hi bot")
        await listener.next_text("after the bot came")
    assert "before the bot came" not in listener.texts()


async def test_a_lone_thread_reply_is_fetched(world: World) -> None:
    server = world.server
    parent = server.send_message(world.alice, world.general, "parent")
    async with listening(world.backend(), world.state) as listener:
        await wait_until(lambda: len(world.bot_requests("/api/v1/rooms.get")) >= 2, "polling")
        server.send_message(world.bob, world.general, "!status", tmid=parent)
        reply = await listener.next_text("!status")
    assert reply.conversation.thread_id == parent
    assert listener.texts() == ["!status"]  # the parent predates the bot's start
