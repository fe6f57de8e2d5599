"""Finding a channel by name for audits: from what register listed without a request, else with
GET /get_stream_id; the result is a postable channel conversation with its privacy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from zulip_support import API, Cast

from botkit.backends.zulip import ZulipBackend
from botkit.errors import BackendError
from botkit.models import Conversation


async def test_a_channel_register_listed_needs_no_request(
    cast: Cast, connected: ZulipBackend
) -> None:
    cast.server.clear_log()
    found = await connected.channel("#General")
    assert found == Conversation.channel(str(cast.general), "general", private=False)
    assert found.topic is None
    assert cast.server.requests(user=cast.bot.email) == []


async def test_a_channel_created_later_is_looked_up(cast: Cast, connected: ZulipBackend) -> None:
    server = cast.server
    secret = server.create_channel("secret plans", [cast.alice, cast.bot], private=True)
    found = await connected.channel("secret plans")
    assert found == Conversation.channel(str(secret), "secret plans", private=True)
    assert len(server.requests(path=f"{API}/get_stream_id")) == 1
    server.clear_log()
    await connected.channel("secret plans")  # remembered
    assert server.requests(path=f"{API}/get_stream_id") == []


async def test_a_public_channel_the_bot_is_not_in_is_found(
    cast: Cast, connected: ZulipBackend
) -> None:
    server = cast.server
    elsewhere = server.create_channel("announcements", [cast.alice])
    message = server.send_message(cast.alice, "announcements", "t", "news")
    found = await connected.channel("announcements")
    assert found.id == str(elsewhere)
    assert found.private is False
    listed = await connected.history("announcements", since=datetime(2000, 1, 1, tzinfo=UTC))
    assert [int(m.id) for m in listed] == [message]


async def test_a_private_channel_the_bot_is_not_in_is_unknown(
    cast: Cast, connected: ZulipBackend
) -> None:
    cast.server.create_channel("hidden", [cast.alice], private=True)
    with pytest.raises(BackendError, match="no Zulip channel named 'hidden'"):
        await connected.channel("hidden")


async def test_an_empty_name_is_refused(connected: ZulipBackend) -> None:
    with pytest.raises(BackendError, match="channel name is needed"):
        await connected.channel(" # ")
