"""``botkit audit`` and ``botkit receipts`` on the local Zulip: the same report as the chat's
``!audit``, clear answers before any work for a bad window, an output file it could not write or
a link to another server, "not found" for an impossible id, and exit 130 on Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from botkit.cli import cli

from .running import running
from .zulip_world import ZulipWorld, zulip_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ZulipWorld]:
    with zulip_world(tmp_path) as made:
        yield made


def _config(world: ZulipWorld, tmp_path: Path, audit: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[bot]
backend = "zulip"
data_dir = "{world.data_dir}"

[zulip]
site = "{world.server.url}"
email = "{world.bot.email}"
api_key = "{world.bot.api_key}"

[plugins.audit]
{audit}
"""
    )
    return path


async def test_cli_and_chat_report_the_same_messages(world: ZulipWorld, tmp_path: Path) -> None:
    server = world.server
    kept = [
        server.send_message(world.alice, world.general, "news", text)
        for text in ("Office closed Monday", "New coffee machine")
    ]
    server.mark_read(world.bob, kept)
    quote = (
        f"@_**Alice Liddell|{world.alice.id}** [said]({world.link(kept[0])}):\n```quote\nx\n```\n"
    )
    async with running(world.settings()):
        for request in (
            f"!receipts {kept[0]}",
            f"@**Receipt Bot** who read this? #{kept[0]}",
            quote + "@**Receipt Bot** who read this?",
        ):
            await world.ask(world.carol, request)
        chat = await world.ask(world.dave, "!audit general 1d")
    assert "**Summary:** 2 messages, read 2 of 6 times (33%)" in chat
    args = [
        "audit",
        "-c",
        str(_config(world, tmp_path)),
        "--channel",
        "general",
        "--format",
        "json",
    ]
    result = await asyncio.to_thread(CliRunner().invoke, cli, args)  # it runs its own loop
    assert result.exit_code == 0, result.output
    listed = [int(m["message_id"]) for m in json.loads(result.output)["messages"]]
    assert sorted(listed) == kept
    assert sorted(int(i) for i in re.findall(r"\[message (\d+)\]", chat)) == kept


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--since", "200000w"], "--since: '200000w' is too long"),
        (["--output", "/nonexistent/dir/a.csv"], "--output: the folder /nonexistent/dir does not"),
    ],
)
def test_bad_window_or_output_fails_before_connecting(
    world: ZulipWorld, tmp_path: Path, args: list[str], problem: str
) -> None:
    config = str(_config(world, tmp_path))
    result = CliRunner().invoke(cli, ["audit", "-c", config, "--channel", "general", *args])
    assert result.exit_code == 2, result.output
    assert problem in result.output
    assert "Traceback" not in result.output
    assert world.server.requests() == []  # nothing was asked of the server


def test_ctrl_c_stops_the_audit_with_exit_130(world: ZulipWorld, tmp_path: Path) -> None:
    for number in range(20):
        world.server.send_message(world.alice, world.general, "news", f"notice {number}")
    slow = "max_requests_per_minute = 6\nburst = 1\nfollow_rate_limit_headers = false"
    config = str(_config(world, tmp_path, slow))
    process = subprocess.Popen(
        [sys.executable, "-m", "botkit", "audit", "-c", config, "--channel", "general"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not world.server.requests(path="/api/v1/messages", method="GET"):  # history
            assert time.monotonic() < deadline, "the audit never started"
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    assert process.returncode == 130, errors
    assert "Aborted!" not in errors
    assert "interrupted" in errors
    assert "Traceback" not in errors


def test_receipts_refuses_other_servers_and_does_not_find_impossible_ids(
    world: ZulipWorld, tmp_path: Path
) -> None:
    config = str(_config(world, tmp_path))
    other = "http://other.example.com/#narrow/channel/1-general/topic/x/near/1"
    foreign = CliRunner().invoke(cli, ["receipts", "-c", config, other])
    assert foreign.exit_code == 2
    assert "error: that link points to other.example.com, not to this server" in foreign.output
    assert world.server.requests() == []
    huge = "9" * 20
    missing = CliRunner().invoke(cli, ["receipts", "-c", config, world.link(int(huge))])
    assert missing.exit_code == 1, missing.output
    assert f"message {huge} not found" in missing.output
    assert world.server.requests(path=f"/api/v1/messages/{huge}") == []  # not even asked
