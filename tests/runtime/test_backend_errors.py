"""Backend failures end the bot cleanly: AuthError with one clear message, anything else in
listen() logged with its traceback and reported as a BackendError (exit code 1)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.errors import AuthError, BackendError, ServerUnavailable
from botkit.runtime import Bot

from .conftest import ScriptedHost, make_settings


async def test_auth_error_at_connect_ends_start_up(tmp_path: Path, memory: MemoryBackend) -> None:
    memory.fail_next("connect", AuthError("invalid API key for bot@example.com"))
    host = ScriptedHost(memory)
    with pytest.raises(AuthError, match="invalid API key"):
        async with Bot(make_settings(tmp_path), backend=memory, host=host):
            pass
    assert not host.started.is_set()


@pytest.mark.parametrize("operation", ["listen", "catch_up"])
async def test_auth_error_while_running_stops_cleanly_without_traceback(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture, operation: str
) -> None:
    memory.fail_next(operation, AuthError("account deactivated"))
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path), backend=memory, host=host)
    with caplog.at_level(logging.DEBUG, logger="botkit"), pytest.raises(AuthError):
        async with bot:
            await bot.run_until_stopped()
    assert host.stopped
    assert not memory.connected
    assert [r for r in caplog.records if r.exc_info] == []


async def test_auth_error_while_marking_read_stops_the_bot(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    memory.inject_offline("hello", alice, general)
    memory.fail_next("mark_read", AuthError("token revoked"))
    bot = Bot(make_settings(tmp_path), backend=memory, host=ScriptedHost(memory))
    with pytest.raises(AuthError, match="token revoked"):
        async with bot:
            await bot.run_until_stopped()


async def test_listen_crash_is_logged_and_reported(
    tmp_path: Path, memory: MemoryBackend, caplog: pytest.LogCaptureFixture
) -> None:
    memory.fail_next("listen", ServerUnavailable("event queue lost for good"))
    bot = Bot(make_settings(tmp_path), backend=memory, host=ScriptedHost(memory))
    with caplog.at_level(logging.ERROR, logger="botkit"), pytest.raises(BackendError) as caught:
        async with bot:
            await bot.run_until_stopped()
    assert caught.value.exit_code == 1
    assert "receiving messages failed: event queue lost for good" in str(caught.value)
    assert [r.getMessage() for r in caplog.records if r.exc_info] == ["receiving messages failed"]
