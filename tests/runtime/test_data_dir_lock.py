"""One bot per data_dir: a second bot on the same data_dir stops at once, naming the data_dir and
the pid that holds it; the lock goes with the first bot, however its start or run ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.data_lock import LOCK_FILENAME, DataDirLocked
from botkit.errors import AuthError, ConfigError
from botkit.runtime import Bot

from .conftest import ScriptedHost, make_settings, outcome, running
from .test_signals import LIMIT, _read_until

BOTKIT = Path(sys.executable).with_name("botkit")


async def test_a_second_bot_on_the_same_data_dir_stops_at_once(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    settings = make_settings(tmp_path)
    first_host, second_host = ScriptedHost(memory), ScriptedHost(memory)
    first = Bot(settings, backend=memory, host=first_host)
    async with running(first):
        second = Bot(settings, backend=MemoryBackend(), host=second_host)
        with pytest.raises(DataDirLocked) as caught:
            await second.__aenter__()
        assert str(caught.value) == (
            f"another bot (pid {os.getpid()}) is already running with data_dir {tmp_path}: "
            "stop it first, or give this bot its own [bot] data_dir"
        )
        assert caught.value.exit_code == 1
        assert not second_host.started.is_set()  # it stopped before doing anything
        message = memory.inject("hello", alice, general)
        await outcome(first.watch(message.id))
    # the first bot ran on undisturbed, and answered once
    assert first_host.handled == ["hello"]
    assert [text for _, text in memory.sent] == ["echo: hello"]
    assert memory.marked_read == [[message.id]]


async def test_the_lock_is_released_on_close_and_when_start_fails(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    settings = make_settings(tmp_path)
    async with running(Bot(settings, backend=memory, host=ScriptedHost(memory))):
        assert (tmp_path / LOCK_FILENAME).read_text() == f"{os.getpid()}\n"
    assert (tmp_path / LOCK_FILENAME).read_text() == ""  # no stale pid

    refused = MemoryBackend()
    refused.fail_next("connect", AuthError("bad api key"))
    with pytest.raises(AuthError):
        async with Bot(settings, backend=refused, host=ScriptedHost(refused)):
            pass

    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    bot = Bot(settings, backend=memory, host=ScriptedHost(memory))
    async with running(bot):
        message = memory.inject("again", alice, general)
        await outcome(bot.watch(message.id))


def test_a_second_botkit_run_exits_1_naming_the_holder(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[bot]\nbackend = "memory"\n[plugins]\nenabled = []\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOTKIT_")}
    first = subprocess.Popen(
        [str(BOTKIT), "run", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        _read_until(first.stderr, b"listening for new messages")
        second = subprocess.run(
            [str(BOTKIT), "run", "-c", str(config)],
            capture_output=True,
            check=False,
            env=env,
            timeout=LIMIT,
        )
        assert second.returncode == 1
        assert second.stderr.decode().splitlines() == [
            f"error: another bot (pid {first.pid}) is already running with data_dir "
            f"{tmp_path / '.botkit'}: stop it first, or give this bot its own [bot] data_dir"
        ]
        # one-shot commands do not take the lock: this one gets as far as asking the backend
        receipts = subprocess.run(
            [str(BOTKIT), "receipts", "-c", str(config), "1"],
            capture_output=True,
            check=False,
            env=env,
            timeout=LIMIT,
        )
        assert receipts.stderr.decode().splitlines() == [
            "error: message 1 not found, or not visible to you"
        ]
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=LIMIT) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=LIMIT)
        assert first.stderr is not None
        first.stderr.close()


async def test_an_unusable_data_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    memory = MemoryBackend()
    bot = Bot(make_settings(blocker / "data"), backend=memory, host=ScriptedHost(memory))
    with pytest.raises(ConfigError, match=r"cannot create .*botkit.lock: .*\[bot\] data_dir"):
        await bot.__aenter__()
