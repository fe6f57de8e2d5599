"""subscriptions.read covers the whole room up to the server's 'now': the bot must never send it
while a message of that room is unhandled or not even fetched. Driven directly (not through the
runtime) so the test decides exactly when each message is acknowledged."""

from __future__ import annotations

from botkit.backends.rocketchat import RocketChatBackend

from .conftest import World, listening, wait_until

SLOW_POLL = 30.0  # the loop only runs when woken (first poll, acknowledgements)


def reads(world: World) -> int:
    return len(world.bot_requests("/api/v1/subscriptions.read"))


def bot_read(world: World, message_id: str) -> bool:
    return world.bot.id in {uid for uid, _ in world.server.receipts(message_id)}


def slow_backend(world: World) -> RocketChatBackend:
    return world.backend(poll_interval=SLOW_POLL)


async def test_a_message_arriving_between_fetch_and_mark_blocks_the_read(world: World) -> None:
    server = world.server
    backend = slow_backend(world)
    await backend.connect(world.state)
    first = server.send_message(world.alice, world.general, "first")
    async with listening(backend, world.state, connect=False) as listener:
        m1 = await listener.next_text("first")
        # fetched, not yet handled: a message lands before the bot acknowledges the first
        second = server.send_message(world.alice, world.general, "second")
        await backend.mark_read([m1])
        m2 = await listener.next_text("second")  # the wake-up found it instead of reading
        assert reads(world) == 0
        assert not bot_read(world, second)
        assert not bot_read(world, first)
        await backend.mark_read([m2])
        await wait_until(lambda: reads(world) == 1, "the room is marked read once")
        assert bot_read(world, first)
        assert bot_read(world, second)
        assert m1.id == first
        assert m2.id == second


async def test_an_unacknowledged_message_keeps_the_room_unread(world: World) -> None:
    server = world.server
    backend = slow_backend(world)
    await backend.connect(world.state)
    server.send_many(
        [{"sender": world.alice, "rid": world.general, "text": t} for t in ("a", "b", "c")]
    )
    async with listening(backend, world.state, connect=False) as listener:
        await wait_until(lambda: len(listener.messages) == 3, "three messages arrive")
        a, b, c = listener.messages
        await backend.mark_read([a, c])  # b is still being handled (or failed)
        await backend.mark_read([])
        assert reads(world) == 0
        assert not any(bot_read(world, m.id) for m in (a, b, c))
        await backend.mark_read([b])
        await wait_until(lambda: reads(world) == 1, "the room is marked read")
        assert all(bot_read(world, m.id) for m in (a, b, c))


async def test_the_bots_own_reply_does_not_block_the_read(world: World) -> None:
    server = world.server
    backend = slow_backend(world)
    await backend.connect(world.state)
    server.send_message(world.alice, world.dm, "ping")
    async with listening(backend, world.state, connect=False) as listener:
        ping = await listener.next_text("ping")
        await backend.send(ping.conversation, "pong")  # newer than anything fetched
        await backend.mark_read([ping])
        await wait_until(lambda: reads(world) == 1, "the DM is marked read")
        assert listener.texts() == ["ping"]  # the bot's own reply is not handed over
