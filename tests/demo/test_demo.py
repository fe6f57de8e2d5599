"""``botkit demo`` plays its story on both local servers and exits 0, in seconds."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from botkit.cli import cli


@pytest.mark.parametrize("backend", ["zulip", "rocketchat"])
def test_demo_plays_the_story_and_exits_0(backend: str) -> None:
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["demo", "--backend", backend])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start < 15
    out = result.output
    assert f"Local {backend} server (in-process fake) at http://127.0.0.1:" in out
    assert "Receipt Bot handled both and marked them read" in out
    # the proof: the server's own read receipts list the bot among the readers
    product = {"zulip": "Zulip", "rocketchat": "Rocket.Chat"}[backend]
    proof = re.search(
        rf"\({re.escape(product)}'s own read receipts for message (\S+) now list: (.*)\)", out
    )
    assert proof is not None, out
    assert proof.group(2) == "Bob Cratchit, Carol Danvers, Receipt Bot"
    assert f"msg={proof.group(1)}" in out or f"/near/{proof.group(1)}" in out
    # "who read this?" by link: Carol and Bob read the release note, Dave did not
    assert "**Read by 2 of 3** (67%)" in out
    assert "Dave Lister" in out.split("**Read by 2 of 3**", 1)[1].split("\n")[2]
    # the audit report: least read first, requests to the bot left out
    assert "**Read audit of #general**" in out
    assert "**Summary:** 2 messages, read 3 of 6 times (50%)" in out


def test_demo_help_names_its_options() -> None:
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    assert "--backend [zulip|rocketchat]" in result.output
    assert "--serve" in result.output


def test_unknown_backend_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["demo", "--backend", "irc"])
    assert result.exit_code == 2


def test_serve_keeps_server_and_bot_running_until_interrupted() -> None:
    import queue
    import re
    import signal
    import subprocess
    import sys
    import threading

    import requests

    process = subprocess.Popen(
        [sys.executable, "-m", "botkit", "demo", "--serve"],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()])
    reader.start()
    try:
        seen = ""
        deadline = time.monotonic() + 20
        while "api_key = " not in seen and time.monotonic() < deadline:
            try:
                seen += lines.get(timeout=0.5)
            except queue.Empty:
                continue
        assert "Server and bot keep running at" in seen, seen
        url = re.search(r"keep running at (http://127\.0\.0\.1:\d+)", seen)
        assert url is not None
        settings = requests.get(f"{url.group(1)}/api/v1/server_settings", timeout=5)
        assert settings.status_code == 200
        assert process.poll() is None  # still serving
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
        reader.join(timeout=5)


def test_serve_on_rocketchat_suggests_a_command_that_works(tmp_path: Path) -> None:
    import queue
    import signal
    import subprocess
    import sys
    import threading

    process = subprocess.Popen(
        [sys.executable, "-m", "botkit", "demo", "--backend", "rocketchat", "--serve"],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()])
    reader.start()
    try:
        seen = ""
        deadline = time.monotonic() + 20
        while "auth_token = " not in seen and time.monotonic() < deadline:
            try:
                seen += lines.get(timeout=0.5)
            except queue.Empty:
                continue
        assert "do not start another bot on this account" in seen, seen
        suggested = re.search(r"`botkit receipts -c config.toml (\S+)`", seen)
        assert suggested is not None, seen
        config = tmp_path / "config.toml"
        config.write_text(seen.split("botkit receipts -c config.toml", 1)[1].split(":\n", 1)[1])
        tried = CliRunner().invoke(cli, ["receipts", "-c", str(config), suggested.group(1)])
        assert tried.exit_code == 0, tried.output
        assert "Read by 2 of 3" in tried.output
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
        reader.join(timeout=5)
