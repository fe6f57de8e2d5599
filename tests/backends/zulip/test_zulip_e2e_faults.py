"""5xx bursts and dropped connections are survived; a bad API key or a deactivated bot ends the
bot with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from zulip_support import (
    API,
    Cast,
    RecordingHost,
    bot_settings,
    make_backend,
    running_bot,
    wait_until,
)

from botkit.errors import AuthError
from botkit.runtime import Bot
from botkit.store import Store


async def test_5xx_bursts_and_dropped_connections_are_survived(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    host = RecordingHost()
    settings = bot_settings(server, cast.bot, tmp_path)
    server.fail_next(f"{API}/register", 2, mode="503")
    server.fail_next(f"{API}/messages", 2, mode="502")  # catch-up's GET /messages
    async with running_bot(settings, host, Store(tmp_path / "store.sqlite3")) as bot:
        server.fail_next(f"{API}/events", 3, mode="drop")
        server.fail_next(f"{API}/messages/flags", 3, mode="502")
        first = server.send_many(
            [
                {"sender": cast.alice, "channel": "general", "topic": "t", "content": f"m{i}"}
                for i in range(5)
            ]
        )
        await wait_until(lambda: len(host.handled) >= 5, what="messages despite faults")
        server.fail_next(f"{API}/events", 2, mode="502")
        dm = server.send_direct(cast.bob, [cast.bot], "still there?")
        await wait_until(lambda: dm in host.ids(), what="the DM after more faults")
        await bot.delivery.acks.flush()
    assert sorted(host.ids()) == sorted([*first, dm])
    assert all("read" in server.message_flags(cast.bot, m) for m in [*first, dm])
    statuses = [r.status for r in server.requests(path=f"{API}/messages/flags", method="POST")]
    assert statuses[:3] == [502, 502, 502]
    assert statuses[-1] == 200


async def test_a_bad_api_key_ends_the_bot_with_one_clear_line(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    wrong_key = "x" * 32
    settings = bot_settings(server, cast.bot, tmp_path, api_key=wrong_key)
    bot = Bot(
        settings, backend=make_backend(settings), host=RecordingHost(), store=Store.in_memory()
    )
    with pytest.raises(AuthError) as caught:
        async with bot:
            pytest.fail("the bot started with a wrong key")
    text = str(caught.value)
    expected = f"Zulip rejected the bot's credentials for {cast.bot.email} at {server.url}"
    assert text == f"{expected}: Invalid API key"
    assert wrong_key not in text
    assert cast.bot.api_key not in text
    assert len(server.requests(path=f"{API}/register")) == 1  # no retrying a refused key


async def test_a_deactivated_bot_stops_with_an_auth_error(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    settings = bot_settings(server, cast.bot, tmp_path)
    host = RecordingHost()
    bot = Bot(settings, backend=make_backend(settings), host=host, store=Store.in_memory())
    async with bot:
        import asyncio

        run = asyncio.create_task(bot.run_until_stopped())
        await asyncio.wait_for(bot.ready.wait(), 10)
        server.deactivate(cast.bot)
        server.send_message(cast.alice, "general", "t", "anyone?")  # the next poll is refused
        with pytest.raises(AuthError, match="Account is deactivated"):
            await asyncio.wait_for(run, 15)
