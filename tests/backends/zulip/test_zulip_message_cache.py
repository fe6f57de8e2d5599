"""A message the bot has seen live needs no fetch for "who read this?"; an edit evicts it."""

from __future__ import annotations

import asyncio

from zulip_support import Cast

from botkit.backends.zulip import ZulipBackend


async def _first_live(backend: ZulipBackend) -> str:
    async with asyncio.timeout(10):
        async for message in backend.listen():
            return message.id
    raise AssertionError("listen() ended without a message")


async def test_a_message_seen_live_is_not_fetched_again(
    cast: Cast, connected: ZulipBackend
) -> None:
    server = cast.server
    mid = server.send_message(cast.alice, channel="general", topic="news", content="hello")
    assert await _first_live(connected) == str(mid)
    server.clear_log()

    fetched = await connected.fetch_message(str(mid))

    assert fetched.text == "hello"
    assert server.requests(path=f"/api/v1/messages/{mid}") == []


async def test_an_edited_message_is_fetched_again(cast: Cast, connected: ZulipBackend) -> None:
    server = cast.server
    mid = server.send_message(cast.alice, channel="general", topic="news", content="hello")
    assert await _first_live(connected) == str(mid)
    server.clear_log()

    connected._on_event({"type": "update_message", "message_id": mid, "message_ids": [mid]})
    again = await connected.fetch_message(str(mid))

    assert again.id == str(mid)
    assert len(server.requests(path=f"/api/v1/messages/{mid}")) == 1
