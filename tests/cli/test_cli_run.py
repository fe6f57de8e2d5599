"""`botkit run`: configuration errors exit 2; a signal stops the bot cleanly with exit 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import Invoke, read_until

BOTKIT = Path(sys.executable).with_name("botkit")


def test_run_refuses_incomplete_credentials(invoke: Invoke) -> None:
    Path("config.toml").write_text('[zulip]\nsite = "https://chat.example.com"\n', encoding="utf-8")
    result = invoke("run")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: the zulip backend is not fully configured",
        "config.toml: zulip: [zulip] needs site, email and api_key, or zuliprc "
        "(missing: email, api_key; each can also be set as BOTKIT_ZULIP__EMAIL etc.)",
    ]


def test_run_refuses_an_unknown_timezone_before_starting(invoke: Invoke) -> None:
    Path("config.toml").write_text(
        '[bot]\nbackend = "memory"\n[scheduler]\ntimezone = "Nowhere/City"\n', encoding="utf-8"
    )
    result = invoke("run")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: invalid configuration (1 problem)",
        "config.toml: scheduler.timezone: unknown time zone 'Nowhere/City': "
        "use an IANA name such as 'Europe/Berlin' or 'UTC'",
    ]


def test_run_without_any_config_says_how_to_start(invoke: Invoke) -> None:
    result = invoke("run")
    assert result.exit_code == 2
    assert "no config file was read (config.toml not found)" in result.stderr
    assert "botkit init" in result.stderr


def test_run_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[bot]\nbackend = "memory"\n[plugins]\nenabled = []\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOTKIT_")}
    process = subprocess.Popen(
        [str(BOTKIT), "run", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        seen = read_until(process.stderr, b"listening for new messages", timeout=30)
        assert b"listening for new messages" in seen, seen.decode(errors="replace")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
    assert (tmp_path / ".botkit").is_dir()  # data_dir resolved beside the config file
