"""``rate_limit_info()``: the latest X-RateLimit-Remaining / -Reset the server sent, which audits
pace their receipt calls by; GET /events (Tornado's own bucket) does not count."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from zulip_support import API, DictState, bot_settings, make_backend

from botkit.backends.zulip.ratelimits import RateLimitHeaders
from botkit.servers.zulip import LocalZulip

LIMIT = 20


@pytest.fixture
def limited_server() -> Iterator[Any]:
    server = LocalZulip(
        rate_limit=(LIMIT, 60.0), longpoll_timeout=1.0, heartbeat_interval=(1.0, 1.0)
    ).start()
    try:
        yield server
    finally:
        server.stop()


async def test_reports_the_servers_latest_headers(limited_server: Any, tmp_path: Path) -> None:
    server = limited_server
    bot = server.create_bot("Bot", email="bot@example.com")
    alice = server.create_user("Alice", email="alice@example.com")
    server.create_channel("general", [alice, bot])
    backend = make_backend(bot_settings(server, bot, tmp_path))
    assert backend.rate_limit_info() is None  # nothing seen yet
    await backend.connect(DictState())
    try:
        before = time.time()
        for _ in range(3):
            await backend.users()
            await backend.api.call("users/me")
        remaining, reset_at = backend.rate_limit_info() or (None, None)
        counted = len(server.requests(user=bot.email))
        assert remaining == LIMIT - counted
        assert reset_at is not None
        assert before + 58 <= reset_at <= time.time() + 60
        assert reset_at == int(reset_at)  # the header is an integer Unix time
        latest = backend.api.rate_limits.latest()
        assert latest is not None
        assert latest.limit == LIMIT
    finally:
        await backend.close()


async def test_a_spent_budget_reads_zero_until_the_window_moves(
    limited_server: Any, tmp_path: Path
) -> None:
    server = limited_server
    bot = server.create_bot("Bot", email="bot@example.com")
    backend = make_backend(bot_settings(server, bot, tmp_path))
    await backend.connect(DictState())
    try:
        server.set_rate_limit(5, 1.0)
        for _ in range(5):
            await backend.api.call("users/me")
        spent = backend.rate_limit_info()
        assert spent is not None
        assert spent[0] == 0
        assert time.time() - 1 <= spent[1] <= time.time() + 1
        await backend.api.call("users/me")  # a 429 first, waited out
        assert server.count_429() == 1
        remaining, reset_at = backend.rate_limit_info() or (None, 0.0)
        assert remaining is not None
        assert 0 <= remaining < 5
        assert reset_at >= spent[1]
    finally:
        await backend.close()


def test_tornado_bucket_and_headerless_answers_are_left_out() -> None:
    headers = RateLimitHeaders()
    site = "https://chat.example.com"
    headers.record(
        f"{site}{API}/users/me", {"X-RateLimit-Remaining": "150", "X-RateLimit-Reset": "1700"}
    )
    headers.record(
        f"{site}{API}/events?queue_id=x",
        {"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "1800"},
    )
    headers.record(f"{site}{API}/register", {})  # a 401: no headers
    latest = headers.latest()
    assert latest is not None
    assert (latest.remaining, latest.reset_at, latest.limit) == (150, 1700.0, None)
