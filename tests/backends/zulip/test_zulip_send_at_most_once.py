"""``send()`` never posts a message twice: it is sent again only when Zulip surely did not act
on it (no connection made, a 429, a 502/503/504), never after a dropped connection or a read
timeout, when the message may already be posted. Messages are counted on the server."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from zulip_support import API, Cast, DictState, bot_settings, make_backend, wait_until

from botkit.backends.zulip import ZulipBackend
from botkit.backends.zulip.failures import OutcomeUnknown, never_reached_server
from botkit.models import Conversation

POSTS = f"{API}/messages"


def bot_messages(server: Any, bot: Any) -> list[str]:
    with server.lock:
        return [m.content for m in server.state.messages.values() if m.sender_id == bot.id]


def posts(server: Any) -> list[int]:
    return [r.status for r in server.requests(path=POSTS, method="POST")]


def general(cast: Cast) -> Conversation:
    return Conversation.channel(str(cast.general), "general", topic="t")


async def test_a_dropped_connection_is_not_sent_again(cast: Cast, connected: ZulipBackend) -> None:
    server = cast.server
    server.fail_next(POSTS, 1, mode="drop")
    with pytest.raises(OutcomeUnknown, match="may have carried it out, so it is not sent again"):
        await connected.send(general(cast), "once only")
    assert posts(server) == [0]  # one attempt, its connection dropped
    assert bot_messages(server, cast.bot) == []
    await connected.send(general(cast), "next one")  # the backend carries on
    assert bot_messages(server, cast.bot) == ["next one"]


async def test_a_read_timeout_is_not_sent_again(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    backend = make_backend(bot_settings(server, cast.bot, tmp_path, timeout=0.3))
    await backend.connect(DictState())
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with server.lock:
            held.set()
            release.wait(timeout=10)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        assert held.wait(timeout=5)
        with pytest.raises(OutcomeUnknown, match="request timed out after the request was sent"):
            await backend.send(general(cast), "slow server")
        release.set()
        # the server posts it once it gets to it: exactly once
        await wait_until(lambda: bot_messages(server, cast.bot) != [], what="the late post")
        await wait_until(lambda: len(posts(server)) == 1, what="the logged POST")
        assert bot_messages(server, cast.bot) == ["slow server"]
    finally:
        release.set()
        holder.join(timeout=10)
        await backend.close()


async def test_gateway_errors_and_429s_are_sent_again(cast: Cast, connected: ZulipBackend) -> None:
    server = cast.server
    server.fail_next(POSTS, 1, mode="502")
    server.fail_next(POSTS, 1, mode="503")
    message_id = await connected.send(general(cast), "through the storm")
    assert posts(server) == [502, 503, 200]
    server.set_rate_limit(1, 0.5)
    await connected.api.call("users/me")  # spends the budget: the send is refused first
    second = await connected.send(general(cast), "after the wait")
    assert posts(server)[-2:] == [429, 200]
    assert bot_messages(server, cast.bot) == ["through the storm", "after the wait"]
    assert int(second) > int(message_id)


async def test_a_refused_connection_is_sent_again(cast: Cast, connected: ZulipBackend) -> None:
    server = cast.server
    port = server.port
    connected.api.close()  # no kept-alive connection: the next one must be made
    server.stop()
    restart = threading.Timer(0.3, lambda: server.start(port=port))
    restart.start()
    try:
        await connected.send(general(cast), "once the server is back")
    finally:
        restart.join(timeout=5)
    assert posts(server) == [200]
    assert bot_messages(server, cast.bot) == ["once the server is back"]


def test_only_a_connection_never_made_counts_as_not_sent(cast: Cast) -> None:
    server = cast.server
    port = server.port
    with requests.Session() as session:
        server.fail_next(f"{API}/users/me", 1, mode="drop")
        with pytest.raises(requests.ConnectionError) as dropped:
            session.get(f"{server.url}{API}/users/me", timeout=5)
        assert not never_reached_server(dropped.value)
        server.stop()
        with pytest.raises(requests.ConnectionError) as refused:
            session.get(f"http://127.0.0.1:{port}{API}/users/me", timeout=5)
        assert never_reached_server(refused.value)
    server.start(port=port)
