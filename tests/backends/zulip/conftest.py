"""Fixtures of the Zulip backend tests: a local Zulip server and a small cast on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from zulip_support import Cast, DictState, bot_settings, make_backend

from botkit.backends.zulip import ZulipBackend
from botkit.servers.zulip import LocalZulip


@pytest.fixture
def zulip_server() -> Iterator[Any]:
    server = LocalZulip(
        rate_limit=None, longpoll_timeout=2.0, heartbeat_interval=(1.0, 1.5)
    ).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cast(zulip_server: Any) -> Cast:
    server = zulip_server
    alice = server.create_user("Alice", email="alice@example.com")
    bob = server.create_user("Bob", email="bob@example.com")
    bot = server.create_bot("Bot", email="bot@example.com")
    general = server.create_channel("general", subscribers=[alice, bob, bot], private=False)
    random = server.create_channel("random", subscribers=[alice, bob, bot], private=False)
    return Cast(server, alice, bob, bot, general, random)


@pytest.fixture
async def connected(cast: Cast, tmp_path: Path) -> AsyncIterator[ZulipBackend]:
    """The bot's backend, connected (registered) but not listening; closed afterwards."""
    backend = make_backend(bot_settings(cast.server, cast.bot, tmp_path))
    await backend.connect(DictState())
    try:
        yield backend
    finally:
        await backend.close()
