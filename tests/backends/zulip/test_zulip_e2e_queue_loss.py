"""A lost event queue mid-run loses nothing and duplicates nothing: the backend registers again
and back-fills from GET /messages what arrived while it had no queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from zulip_support import (
    API,
    Cast,
    RecordingHost,
    bot_settings,
    running_bot,
    wait_until,
)

from botkit.backends.zulip.client import ZulipRequestError
from botkit.backends.zulip.events import is_lost_queue
from botkit.store import Store


async def test_expired_queue_mid_run(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    host = RecordingHost()
    settings = bot_settings(server, cast.bot, tmp_path)
    async with running_bot(settings, host, Store(tmp_path / "store.sqlite3")) as bot:
        before = server.send_many(
            [
                {"sender": cast.alice, "channel": "general", "topic": "t", "content": f"a{i}"}
                for i in range(3)
            ]
        )
        await wait_until(lambda: len(host.handled) >= 3)
        with server.lock:  # the queue disappears and messages arrive before the bot can notice
            assert server.expire_queues(cast.bot) == 1
            gap = server.send_many(
                [
                    {"sender": cast.bob, "channel": "random", "topic": "t", "content": f"b{i}"}
                    for i in range(4)
                ]
                + [{"sender": cast.alice, "to": [cast.bot], "content": "dm in the gap"}]
            )
        await wait_until(lambda: len(host.handled) >= 8, what="back-filled messages")
        after = server.send_message(cast.alice, "general", "t", "after")
        await wait_until(lambda: after in host.ids(), what="live message on the new queue")
        await bot.delivery.acks.flush()
    assert sorted(host.ids()) == sorted([*before, *gap, after])  # nothing lost, nothing twice
    registers = server.requests(path=f"{API}/register", user=cast.bot.email)
    assert len(registers) == 2
    backfill = [
        r
        for r in server.requests(path=f"{API}/messages", method="GET", user=cast.bot.email)
        if r.at > registers[1].at
    ]
    assert backfill, "the gap was back-filled through GET /messages"
    assert all("read" in server.message_flags(cast.bot, m) for m in [*before, *gap, after])


@pytest.mark.parametrize(
    ("code", "msg", "lost"),
    [
        ("BAD_EVENT_QUEUE_ID", "Bad event queue ID: abc", True),
        ("BAD_REQUEST", "An event newer than 4 has already been pruned!", True),
        ("BAD_REQUEST", "Event 9 was not in this queue", True),
        ("BAD_REQUEST", "Missing 'last_event_id' argument", False),
    ],
)
def test_which_errors_mean_a_lost_queue(code: str, msg: str, lost: bool) -> None:
    error = ZulipRequestError("GET", "events", {"result": "error", "code": code, "msg": msg})
    assert is_lost_queue(error) is lost
