"""Through the real runtime and the official client over HTTP: messages in two channels and a
DM are each handled exactly once and marked read in a handful of POST /messages/flags calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zulip_support import (
    Cast,
    RecordingHost,
    bot_settings,
    flags_calls,
    running_bot,
    wait_until,
)

from botkit.store import Store


def burst(c: Cast) -> list[dict[str, Any]]:
    return [
        *(
            {"sender": c.alice, "channel": "general", "topic": "ops", "content": f"g{i}"}
            for i in range(10)
        ),
        *(
            {"sender": c.bob, "channel": "random", "topic": "fun", "content": f"r{i}"}
            for i in range(10)
        ),
        {"sender": c.alice, "to": [c.bot], "content": "a direct message"},
        {"sender": c.bob, "channel": "general", "topic": "ops", "content": "hey @**Bot**"},
    ]


async def test_two_channels_and_a_dm_handled_once_and_read_in_few_calls(
    cast: Cast, tmp_path: Path
) -> None:
    server = cast.server
    host = RecordingHost()
    settings = bot_settings(server, cast.bot, tmp_path)
    async with running_bot(settings, host, Store(tmp_path / "store.sqlite3")) as bot:
        ids = server.send_many(burst(cast))
        own = server.send_message(
            cast.bot, "general", "ops", "the bot talking", read_by_sender=True
        )
        await wait_until(lambda: len(host.handled) >= len(ids), what="all messages handled")
        await bot.delivery.acks.flush()
        assert all("read" in server.message_flags(cast.bot, m) for m in ids)
    assert sorted(host.ids()) == sorted(ids)  # each exactly once, never the bot's own
    assert own not in host.ids()
    assert 1 <= len(flags_calls(server, cast.bot)) <= 3
    by_id = {int(m.id): m for m in host.handled}
    dm = by_id[ids[20]]
    assert dm.is_direct
    assert dm.conversation.id == ",".join(sorted([str(cast.alice.id), str(cast.bot.id)], key=int))
    assert by_id[ids[21]].mentions_bot
    assert not by_id[ids[0]].mentions_bot
    assert (
        by_id[ids[0]].link
        == f"{server.url}/#narrow/channel/{cast.general}-general/topic/ops/near/{ids[0]}"
    )


async def test_a_restart_handles_nothing_twice(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    host = RecordingHost()
    settings = bot_settings(server, cast.bot, tmp_path)
    store_path = tmp_path / "store.sqlite3"
    async with running_bot(settings, host, Store(store_path)) as bot:
        ids = server.send_many(burst(cast)[:5])
        await wait_until(lambda: len(host.handled) >= 5, what="first run")
        await bot.delivery.acks.flush()
    async with running_bot(settings, host, Store(store_path)):
        later = server.send_message(cast.alice, "general", "ops", "after the restart")
        await wait_until(lambda: later in host.ids(), what="the live message")
    assert sorted(host.ids()) == sorted([*ids, later])
