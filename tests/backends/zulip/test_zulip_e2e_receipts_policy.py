"""``send_read_receipts = false`` on Zulip: the bot never shows in read receipts, whatever its
account's setting, and still handles every message exactly once (also across restarts)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from zulip_support import (
    Cast,
    RecordingHost,
    bot_settings,
    flags_calls,
    make_backend,
    running_bot,
    wait_until,
)

from botkit.store import Store


@pytest.mark.parametrize("account_setting", [True, False])
async def test_configured_off_never_appears_in_receipts(
    cast: Cast, tmp_path: Path, account_setting: bool, caplog: pytest.LogCaptureFixture
) -> None:
    server = cast.server
    server.set_send_read_receipts(cast.bot, account_setting)
    host = RecordingHost()
    settings = bot_settings(server, cast.bot, tmp_path, send_read_receipts=False)
    store_path = tmp_path / "store.sqlite3"
    caplog.set_level(logging.INFO)
    async with running_bot(settings, host, Store(store_path)) as bot:
        first = server.send_many(
            [
                {"sender": cast.alice, "channel": "general", "topic": "t", "content": f"m{i}"}
                for i in range(5)
            ]
        )
        await wait_until(lambda: len(host.handled) >= 5, what="first messages")
        await bot.delivery.acks.flush()
    # sent while the bot is down: caught up from the cursor (or from unread)
    second = [server.send_message(cast.bob, "random", "t", f"n{i}") for i in range(5)]
    async with running_bot(settings, host, Store(store_path)) as bot:
        await wait_until(lambda: len(host.handled) >= 10, what="caught-up messages")
        await bot.delivery.acks.flush()
    assert sorted(host.ids()) == sorted([*first, *second])
    for message_id in [*first, *second]:
        assert cast.bot.id not in server.read_receipt_user_ids(message_id, as_user=cast.alice)
    marked = [("read" in server.message_flags(cast.bot, m)) for m in [*first, *second]]
    if account_setting:
        # reads would be visible: the bot keeps its read state to itself (cursor only)
        assert not any(marked)
        assert flags_calls(server, cast.bot) == []
        assert (
            "administrator can turn the bot account's send_read_receipts setting off" in caplog.text
        )
    else:
        assert all(marked)  # invisible to others, so the bot marks read as usual


async def test_the_account_setting_switches_the_mode_live(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    host = RecordingHost()
    settings = bot_settings(server, cast.bot, tmp_path, send_read_receipts=False)
    backend = make_backend(settings)
    async with running_bot(settings, host, Store(tmp_path / "store.sqlite3"), backend) as bot:
        hidden = server.send_message(cast.alice, "general", "t", "while visible")
        await wait_until(lambda: hidden in host.ids())
        await bot.delivery.acks.flush()
        assert "read" not in server.message_flags(cast.bot, hidden)
        server.set_send_read_receipts(cast.bot, False)  # an administrator turns it off
        await wait_until(lambda: backend.policy.account is False, what="the user_settings event")
        later = server.send_message(cast.alice, "general", "t", "while invisible")
        await wait_until(lambda: later in host.ids())
        await bot.delivery.acks.flush()
        assert "read" in server.message_flags(cast.bot, later)
        assert cast.bot.id not in server.read_receipt_user_ids(later, as_user=cast.alice)


async def test_default_follows_the_account_and_shows_in_receipts(
    cast: Cast, tmp_path: Path
) -> None:
    server = cast.server
    host = RecordingHost()
    settings = bot_settings(server, cast.bot, tmp_path)
    backend = make_backend(settings)
    async with running_bot(settings, host, Store(tmp_path / "store.sqlite3"), backend) as bot:
        message_id = server.send_message(cast.alice, "general", "t", "read me")
        await wait_until(lambda: message_id in host.ids())
        await bot.delivery.acks.flush()
        assert "others see it in read receipts" in backend.describe_read_state()
    assert server.read_receipt_user_ids(message_id, as_user=cast.alice) == [cast.bot.id]
