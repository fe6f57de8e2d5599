"""A channel's history for audits, from the bot's own backend: oldest first, only the channel,
only the window, paged backwards 1000 at a time, senders from the user directory."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from zulip_support import API, Cast

from botkit.backends.zulip import ZulipBackend
from botkit.errors import BackendError
from botkit.readstatus.history import history_source

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def backdate(server: Any, ids: Iterable[int], days: int) -> None:
    """Make messages look ``days`` older (the local server stamps them with the current time)."""
    with server.lock:
        for message_id in ids:
            server.state.messages[message_id].timestamp -= days * 86400


def history_calls(server: Any, bot: Any) -> list[Any]:
    calls: list[Any] = server.requests(path=f"{API}/messages", method="GET", user=bot.email)
    return calls


async def test_the_backend_is_its_own_history_source(connected: ZulipBackend) -> None:
    assert history_source(connected) is connected


async def test_lists_only_the_channel_oldest_first_across_pages(
    cast: Cast, connected: ZulipBackend
) -> None:
    server = cast.server
    items = []
    for number in range(2300):
        channel = "random" if number % 10 == 0 else "general"
        sender = cast.alice if number % 2 else cast.bob
        items.append({"sender": sender, "channel": channel, "topic": "t", "content": f"m{number}"})
    sent = server.send_many(items)
    in_general = [m for m, item in zip(sent, items, strict=True) if item["channel"] == "general"]
    server.clear_log()

    listed = await connected.history("general", LONG_AGO)

    assert [int(m.id) for m in listed] == in_general  # 2070: three pages
    assert {m.conversation.name for m in listed} == {"general"}
    assert listed[1].text == "m2"
    assert listed[1].sender.name == "Bob"
    calls = history_calls(server, cast.bot)
    assert len(calls) == 3
    for call in calls:
        assert int(call.data["num_before"]) <= 1000
        assert int(call.data["num_after"]) == 0
        assert call.data["apply_markdown"] == "false"
        assert json.loads(call.data["narrow"]) == [{"operator": "channel", "operand": "general"}]
    assert calls[0].data["anchor"] == "newest"
    assert int(calls[1].data["anchor"]) < int(listed[-1000].id)


async def test_stops_paging_at_the_start_of_the_window(cast: Cast, connected: ZulipBackend) -> None:
    server = cast.server
    items = [
        {"sender": cast.alice, "channel": "general", "topic": "t", "content": f"m{n}"}
        for n in range(2500)
    ]
    sent = server.send_many(items)
    backdate(server, sent[:2000], days=3)  # only the newest 500 are in a 1-day window
    server.clear_log()

    listed = await connected.history("general", datetime.now(UTC) - timedelta(days=1))

    assert [int(m.id) for m in listed] == sent[2000:]
    assert len(history_calls(server, cast.bot)) == 1  # the first page already reached older ones


async def test_a_window_with_nothing_new_is_empty(cast: Cast, connected: ZulipBackend) -> None:
    server = cast.server
    old = server.send_message(cast.alice, "general", "t", "last week")
    backdate(server, [old], days=7)
    assert await connected.history("general", datetime.now(UTC) - timedelta(days=1)) == []


async def test_senders_come_from_the_directory_with_is_bot(
    cast: Cast, connected: ZulipBackend
) -> None:
    server = cast.server
    helper = server.create_bot("Helper Bot", email="helper-bot@example.com")  # after register
    server.subscribe(helper, "general")
    by_alice = server.send_message(cast.alice, "general", "t", "hello")
    by_helper = server.send_message(helper, "general", "t", "beep")
    server.clear_log()

    listed = {int(m.id): m for m in await connected.history("#general", LONG_AGO)}

    assert listed[by_alice].sender.is_bot is False
    assert listed[by_alice].sender.username == "alice@example.com"
    assert listed[by_helper].sender.is_bot is True
    assert listed[by_helper].sender.name == "Helper Bot"
    assert len(server.requests(path=f"{API}/users", user=cast.bot.email)) == 1  # one refresh


async def test_an_unknown_channel_is_named_in_the_error(connected: ZulipBackend) -> None:
    with pytest.raises(BackendError, match="no Zulip channel named 'nope' that the bot can see"):
        await connected.history("nope", LONG_AGO)
