"""50 messages sent while the bot was stopped are handled after start, in both catch-up modes;
the limits keep the newest and log what they leave out."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from zulip_support import (
    Cast,
    RecordingHost,
    bot_settings,
    running_bot,
    wait_until,
)

from botkit.store import Store


def fifty(cast: Cast) -> list[int]:
    ids: list[int] = cast.server.send_many(
        [
            {
                "sender": cast.alice if i % 2 else cast.bob,
                "channel": "general" if i % 3 else "random",
                "topic": f"t{i % 4}",
                "content": f"offline {i}",
            }
            for i in range(49)
        ]
        + [{"sender": cast.alice, "to": [cast.bot], "content": "offline dm"}]
    )
    return ids


@pytest.mark.parametrize(
    ("send_read_receipts", "account_setting", "mode"),
    [(None, True, "unread"), (False, True, "cursor")],
)
async def test_messages_sent_while_stopped_are_handled_after_start(
    cast: Cast,
    tmp_path: Path,
    send_read_receipts: bool | None,
    account_setting: bool,
    mode: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = cast.server
    server.set_send_read_receipts(cast.bot, account_setting)
    settings = bot_settings(server, cast.bot, tmp_path, send_read_receipts=send_read_receipts)
    store_path = tmp_path / "store.sqlite3"
    host = RecordingHost()
    caplog.set_level(logging.INFO, logger="botkit")
    async with running_bot(settings, host, Store(store_path)):  # first start: sets the cursor
        pass
    if mode == "cursor":
        assert "starting from now" in caplog.text
    offline = fifty(cast)
    async with running_bot(settings, host, Store(store_path)) as bot:
        # catch-up is over once the bot is ready
        assert sorted(host.ids()) == sorted(offline)
        assert host.ids() == sorted(host.ids())  # oldest first
        live = server.send_message(cast.alice, "general", "t0", "live")
        await wait_until(lambda: live in host.ids())
        await bot.delivery.acks.flush()
    assert sorted(host.ids()) == sorted([*offline, live])
    read = ["read" in server.message_flags(cast.bot, m) for m in offline]
    assert all(read) if mode == "unread" else not any(read)


async def test_first_start_in_cursor_mode_starts_from_now(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    old = server.send_message(cast.alice, "general", "t", "history")
    settings = bot_settings(server, cast.bot, tmp_path, send_read_receipts=False)
    host = RecordingHost()
    async with running_bot(settings, host, Store(tmp_path / "store.sqlite3")):
        new = server.send_message(cast.alice, "general", "t", "news")
        await wait_until(lambda: new in host.ids())
    assert old not in host.ids()


async def test_limits_keep_the_newest_and_log_the_rest(
    cast: Cast, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = cast.server
    offline = fifty(cast)
    settings = bot_settings(server, cast.bot, tmp_path, catch_up={"max_messages": 10})
    host = RecordingHost()
    caplog.set_level(logging.INFO, logger="botkit")
    async with running_bot(settings, host, Store(tmp_path / "store.sqlite3")):
        pass
    assert host.ids() == offline[-10:]
    assert f"left out 40 older message(s), ids {offline[0]} to {offline[39]}" in caplog.text
