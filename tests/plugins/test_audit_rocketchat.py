"""Audits end to end on the local Rocket.Chat: a scheduled job's report, the CLI's CSV / JSON /
table output parsed back, and pacing that keeps a rate-limited server free of 429s."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rocketchat_API.rocketchat import RocketChat

from botkit.cli import cli
from botkit.servers.rocketchat import RcUser

from .rc_world import RcWorld, rc_world
from .running import make_due, running

JOB = {
    "id": "weekly",
    "cron": "0 9 * * 1",
    "channels": ["general"],
    "since": "1d",
    "post_to": {"channel": "general"},
}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[RcWorld]:
    with rc_world(tmp_path) as made:
        yield made


def _post_week(world: RcWorld) -> list[str]:
    """Three announcements: read by Bob and Carol, by Bob, by nobody."""
    server = world.server
    first = server.send_message(world.alice, world.general, "Office closed Monday")
    server.read_room(world.bob, world.general)
    server.read_room(world.carol, world.general)
    second = server.send_message(world.alice, world.general, "New coffee machine")
    server.read_room(world.bob, world.general)
    third = server.send_message(world.alice, world.general, "@all fire drill at 3")
    return [first, second, third]


def _file_message(world: RcWorld) -> str:
    """The id of the bot's message that carries the CSV file."""
    with world.server.lock:
        found = [
            m.id
            for m in world.server.state.messages.values()
            if m.user_id == world.bot.id and "file" in m.extra
        ]
    assert len(found) == 1, found
    return found[0]


def _download_as(world: RcWorld, who: RcUser, message_id: str) -> tuple[dict[str, Any], str]:
    """The file message as ``who`` reads it, and the attached file they download (over HTTP,
    with their own client and credentials)."""
    client = RocketChat(user_id=who.id, auth_token=who.auth_token, server_url=world.server.url)
    try:
        message = client.chat_get_message(msg_id=message_id)["message"]
        link = message["attachments"][0]["title_link"]
        answer = client.session.get(world.server.url + link, headers=client.headers, timeout=10)
    finally:
        client.session.close()
    assert answer.status_code == 200, answer.text
    return message, answer.content.decode("utf-8")


@pytest.mark.parametrize("uploads", [True, False], ids=["csv-file", "uploads-off"])
async def test_missed_scheduled_run_posts_the_report_on_start(
    world: RcWorld, uploads: bool
) -> None:
    world.server.set_settings(file_upload_enabled=uploads)
    settings = world.settings(audit={"jobs": [JOB]})
    async with running(settings):
        pass  # first start: the job is stored with its next run next Monday
    ids = _post_week(world)
    make_due(world.data_dir, "audit:weekly")
    async with running(settings):
        posts = await world.wait_for_posts(2, world.general)  # the report, then the CSV table
    report, table = posts[0], posts[1]
    lines = report.splitlines()
    assert lines[0].startswith("**Read audit of #general**")
    assert lines[1].startswith(f"1. [message {ids[2]}](")  # least read first
    assert "read by 0 of 3 (0%); not read yet: Bob Builder, Carol Danvers, Dave Admin" in lines[1]
    assert "read by 1 of 3 (33%); not read yet: Carol Danvers, Dave Admin" in lines[2]
    assert "read by 2 of 3 (67%); not read yet: Dave Admin" in lines[3]
    assert lines[-1] == "**Summary:** 3 messages, read 3 of 9 times (33%)"
    if uploads:
        assert table == "Full table (CSV) of #general: 3 messages"
        message, body = _download_as(world, world.carol, _file_message(world))
        assert re.fullmatch(r"audit-general-\d{4}-\d{2}-\d{2}\.csv", message["file"]["name"])
        assert message["file"]["type"] == "text/csv"
    else:
        assert table.startswith("Full table (CSV) of #general, part 1/1:")
        assert world.server.uploaded_files() == []
        body = table.split("```csv\n", 1)[1].rsplit("\n```", 1)[0]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["message_id"] for r in rows] == [ids[2], ids[1], ids[0]]
    assert rows[2]["read_by"] == "Bob Builder; Carol Danvers"


def _config(world: RcWorld, tmp_path: Path, audit: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[bot]
backend = "rocketchat"
data_dir = "{world.data_dir}"

[rocketchat]
server_url = "{world.server.url}"
user_id = "{world.bot.id}"
auth_token = "{world.bot.auth_token}"

[plugins.audit]
{audit}
"""
    )
    return path


def test_cli_audit_json_csv_and_table(world: RcWorld, tmp_path: Path) -> None:
    ids = _post_week(world)
    config = _config(world, tmp_path)
    runner = CliRunner()
    as_json = runner.invoke(
        cli, ["audit", "-c", str(config), "--channel", "general", "--format", "json"]
    )
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["channel"] == "general"
    assert [m["message_id"] for m in data["messages"]] == [ids[2], ids[1], ids[0]]
    best = data["messages"][2]
    assert (best["read_by_count"], best["audience_count"]) == (2, 3)
    assert {r["name"] for r in best["read_by"]} == {"Bob Builder", "Carol Danvers"}
    assert all(r["read_at"] for r in best["read_by"])  # Rocket.Chat gives read times
    assert best["no_receipt"] == [{"id": world.dave.id, "name": "Dave Admin"}]
    assert best["sender"]["name"] == "Alice Liddell"

    out = tmp_path / "audit.csv"
    as_csv = runner.invoke(
        cli,
        [
            "audit",
            "-c",
            str(config),
            "--channel",
            "general",
            "--format",
            "csv",
            "--output",
            str(out),
        ],
    )
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["message_id"], r["read_by_count"]) for r in rows] == [
        (ids[2], "0"),
        (ids[1], "1"),
        (ids[0], "2"),
    ]

    table = runner.invoke(cli, ["audit", "-c", str(config), "--channel", "general"])
    assert table.exit_code == 0, table.output
    assert "3 messages, read 3 of 9 times (33%)" in table.output
    assert "Dave Admin" in table.output


def test_cli_receipts_json(world: RcWorld, tmp_path: Path) -> None:
    ids = _post_week(world)
    config = _config(world, tmp_path)
    link = f"{world.server.url}/channel/general?msg={ids[0]}"
    result = CliRunner().invoke(cli, ["receipts", "-c", str(config), link, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["message_id"] == ids[0]
    assert {r["name"] for r in data["read_by"]} == {"Bob Builder", "Carol Danvers"}
    assert data["no_receipt"] == [{"id": world.dave.id, "name": "Dave Admin"}]
    text = CliRunner().invoke(cli, ["receipts", "-c", str(config), ids[0]])
    assert "Read by 2 of 3 (67%)" in text.output
    bad = CliRunner().invoke(cli, ["receipts", "-c", str(config), "not a message"])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(cli, ["receipts", "-c", str(config), "AAAAAAAAAAAAAAAAA"])
    assert missing.exit_code == 1
    assert "not found" in missing.output


#: The control: no pacing at all, not even from the server's rate-limit headers.
UNPACED = "max_requests_per_minute = 60000\nburst = 100\nfollow_rate_limit_headers = false"


def _rate_limited_audit(world: RcWorld, tmp_path: Path, audit: str) -> tuple[int, float]:
    """Audit 15 messages on a server allowing 10 calls per route per 2 s; (429s, seconds)."""
    for number in range(15):
        world.server.send_message(world.alice, world.general, f"notice {number}")
    world.server.set_rate_limit(10, 2.0)
    config = _config(world, tmp_path, audit)
    start = time.monotonic()
    result = CliRunner().invoke(
        cli, ["audit", "-c", str(config), "--channel", "general", "--format", "json"]
    )
    elapsed = time.monotonic() - start
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["messages"]) == 15
    return world.server.count_429(), elapsed


@pytest.fixture
def limited_world(tmp_path: Path) -> Iterator[RcWorld]:
    """The bot without the bot role, so the rate limiter applies to it."""
    with rc_world(tmp_path, bypass_roles=()) as made:
        yield made


def test_paced_audit_causes_no_429(limited_world: RcWorld, tmp_path: Path) -> None:
    count, elapsed = _rate_limited_audit(
        limited_world, tmp_path, "max_requests_per_minute = 240\nburst = 1"
    )
    assert count == 0
    assert elapsed < 8  # 15 calls at 4 per second: paced, not stalled


def test_unpaced_audit_would_hit_the_limit(limited_world: RcWorld, tmp_path: Path) -> None:
    count, _ = _rate_limited_audit(
        limited_world,
        tmp_path,
        UNPACED,
    )
    assert count > 0  # the control: without pacing this server answers 429
