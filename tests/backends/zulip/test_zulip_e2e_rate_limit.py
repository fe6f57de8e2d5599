"""A 429 storm is waited out: after a 429, no request of the bot starts before the retry-after
it was given, and every message is still handled once and marked read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from zulip_support import RecordingHost, bot_settings, make_backend, running_bot, wait_until

from botkit.backends.zulip import ZulipBackend
from botkit.models import Message
from botkit.servers._http import Request, Response
from botkit.servers.zulip import LocalZulip
from botkit.store import Store

#: Requests already on their way when a 429 was answered (concurrent handlers, the ack batcher)
#: may reach the server just after it; anything later must wait for the retry-after.
IN_FLIGHT_SLACK = 0.3


@dataclass(frozen=True)
class Served:
    start: float
    end: float
    method: str
    path: str
    user: str | None
    status: int
    retry_after: float | None


class TimedZulip(LocalZulip):
    """Records when each request started and ended at the server, and each 429's retry-after."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeline: list[Served] = []
        self._timeline_lock = threading.Lock()

    def dispatch(self, request: Request) -> Response:
        start = time.monotonic()
        response = super().dispatch(request)
        retry_after = float(response.headers["Retry-After"]) if response.status == 429 else None
        entry = Served(
            start,
            time.monotonic(),
            request.method,
            request.path,
            request.user,
            response.status,
            retry_after,
        )
        with self._timeline_lock:
            self.timeline.append(entry)
        return response


class ReplyingHost(RecordingHost):
    """Answers every message: a burst of messages becomes a burst of POST /messages."""

    backend: ZulipBackend | None = None

    async def handle(self, message: Message) -> None:
        assert self.backend is not None
        await self.backend.send(message.conversation, f"got {message.id}")
        await super().handle(message)


@pytest.fixture
def limited_server() -> Iterator[TimedZulip]:
    server = TimedZulip(rate_limit=None, longpoll_timeout=2.0, heartbeat_interval=(1.0, 1.5))
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_a_429_storm_is_waited_out(limited_server: TimedZulip, tmp_path: Path) -> None:
    server = limited_server
    alice = server.create_user("Alice", email="alice@example.com")
    bot = server.create_bot("Bot", email="bot@example.com")
    server.create_channel("general", subscribers=[alice, bot])
    settings = bot_settings(server, bot, tmp_path)
    backend = make_backend(settings)
    host = ReplyingHost()
    host.backend = backend
    async with running_bot(
        settings, host, Store(tmp_path / "store.sqlite3"), backend=backend
    ) as running:
        server.set_rate_limit(6, 2.0)
        ids = server.send_many(
            [
                {"sender": alice, "channel": "general", "topic": "t", "content": f"m{i}"}
                for i in range(12)
            ]
        )
        await wait_until(
            lambda: len(host.handled) >= 12, timeout=30, what="replies to every message"
        )
        await running.delivery.acks.flush()
        server.set_rate_limit(None)
    assert sorted(host.ids()) == sorted(ids)
    replies = [
        e
        for e in server.timeline
        if (e.method, e.path) == ("POST", "/api/v1/messages")
        and e.status == 200
        and e.user == bot.email
    ]
    assert len(replies) == 12
    assert all("read" in server.message_flags(bot, m) for m in ids)

    limited = [e for e in server.timeline if e.status == 429 and e.user == bot.email]
    assert limited, "the storm produced 429s"
    ours = [e for e in server.timeline if e.user == bot.email]
    for hit in limited:
        assert hit.retry_after is not None
        too_early = [
            e for e in ours if hit.end + IN_FLIGHT_SLACK < e.start < hit.end + hit.retry_after
        ]
        assert not too_early, f"requests started before the retry-after of a 429: {too_early}"
