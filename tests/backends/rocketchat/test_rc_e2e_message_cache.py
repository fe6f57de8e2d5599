"""A message the bot has handed out needs no chat.getMessage for "who read this?"."""

from __future__ import annotations

from .conftest import Listener, World


def _fetches(world: World) -> int:
    return len(world.bot_requests("/api/v1/chat.getMessage"))


async def test_a_message_seen_by_polling_is_not_fetched_again(world: World) -> None:
    backend = world.backend()
    await backend.connect(world.state)
    listener = Listener(backend)
    try:
        unseen = world.server.send_message(world.alice, world.team, "not polled yet")
        before = _fetches(world)
        assert (await backend.fetch_message(unseen)).text == "not polled yet"
        assert _fetches(world) == before + 1  # not handed out yet: fetched

        listener.start()
        world.server.send_message(world.alice, world.general, "fresh news")
        seen = await listener.next_text("fresh news")
        before = _fetches(world)
        assert await backend.fetch_message(seen.id) == seen
        assert _fetches(world) == before  # handed out: no request
    finally:
        await backend.close()
        if listener.task is not None:
            listener.task.cancel()
