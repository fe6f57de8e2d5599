"""``rate_limit_info()``: what the server's X-RateLimit-* headers said about the read-receipts
route (the one an audit spends), reset converted from epoch milliseconds to Unix seconds."""

from __future__ import annotations

import time

from botkit.models import Conversation

from .conftest import World, wait_until


async def test_remaining_and_reset_of_the_receipts_route(world: World) -> None:
    server = world.server
    human = server.create_user("auditor", name="Auditor")  # no bot role: the limiter applies
    server.add_member(world.general, human)
    mid = server.send_message(world.alice, world.general, "read me")
    server.set_rate_limit(20, 60)
    backend = world.backend(user=human)
    await backend.connect(world.state)
    try:
        assert backend.rate_limit_info() is None  # no receipts call yet
        message = await backend.fetch_message(mid)
        before = time.time()
        for _ in range(3):
            await backend.read_receipts(message)
        info = backend.rate_limit_info()
        await backend.members(Conversation.channel(world.general, "general"))  # another route
        assert backend.rate_limit_info() == info
    finally:
        await backend.close()
    assert info is not None
    remaining, reset_at = info
    assert remaining == 20 - 3
    assert before < reset_at <= before + 60.5  # seconds, not milliseconds


async def test_none_once_the_window_is_over(world: World) -> None:
    server = world.server
    human = server.create_user("auditor", name="Auditor")
    server.add_member(world.general, human)
    mid = server.send_message(world.alice, world.general, "read me")
    server.set_rate_limit(20, 1.0)
    backend = world.backend(user=human)
    await backend.connect(world.state)
    try:
        await backend.read_receipts(await backend.fetch_message(mid))
        assert backend.rate_limit_info() is not None
        await wait_until(lambda: backend.rate_limit_info() is None, "the window is over")
    finally:
        await backend.close()


async def test_none_when_the_bot_bypasses_the_limiter(world: World) -> None:
    server = world.server
    server.set_rate_limit(20, 60)
    mid = server.send_message(world.alice, world.general, "read me")
    backend = world.backend()  # the bot role holds api-bypass-rate-limit
    await backend.connect(world.state)
    try:
        await backend.read_receipts(await backend.fetch_message(mid))
        assert backend.rate_limit_info() is None
    finally:
        await backend.close()
