"""Polling costs one request per interval when nothing happens -- also right after activity,
when the rooms just read are still inside the discovery overlap."""

from __future__ import annotations

import time

from .conftest import World, listening, wait_until

INTERVAL = 0.05
POLLS = 12


async def count_idle_polls(world: World) -> tuple[list[str], float]:
    server = world.server
    server.clear_log()
    started = time.monotonic()
    await wait_until(
        lambda: len(server.requests(path="/api/v1/rooms.get")) >= POLLS,
        f"{POLLS} polls",
    )
    elapsed = time.monotonic() - started
    return [r.path for r in server.requests()], elapsed


async def test_idle_polling_is_one_request_per_interval(world: World) -> None:
    backend = world.backend(poll_interval=INTERVAL)
    async with listening(backend, world.state) as listener:
        await wait_until(
            lambda: len(world.bot_requests("/api/v1/rooms.get")) >= 2, "polling has started"
        )
        paths, elapsed = await count_idle_polls(world)
        assert set(paths) == {"/api/v1/rooms.get"}
        assert elapsed >= (POLLS - 1) * INTERVAL * 0.9  # never faster than the interval

        # activity: a message, handled and marked read; then idle again
        world.server.send_message(world.alice, world.general, "wake up")
        message = await listener.next_text("wake up")
        await backend.mark_read([message])
        await wait_until(
            lambda: world.server.subscription(world.bot, world.general)["unread"] == 0,
            "the room is read",
        )
        paths, _ = await count_idle_polls(world)
        assert set(paths) == {"/api/v1/rooms.get"}
