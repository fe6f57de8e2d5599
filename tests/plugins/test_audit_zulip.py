"""Audits end to end on the local Zulip: a missed scheduled run posting its report to a topic,
the CLI's JSON / CSV output parsed back, and pacing under a per-user rate limit."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import zulip
from click.testing import CliRunner

from botkit.cli import cli
from botkit.servers._http import Request, Response
from botkit.servers.zulip import ZUser
from botkit.servers.zulip.errors import html_not_found

from .running import make_due, running
from .zulip_world import ZulipWorld, zulip_world

JOB = {
    "id": "weekly",
    "cron": "0 9 * * 1",
    "channels": ["general"],
    "since": "1d",
    "post_to": {"channel": "general", "topic": "read audit", "users": ["dave@example.com"]},
}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ZulipWorld]:
    with zulip_world(tmp_path) as made:
        yield made


def _download(world: ZulipWorld, who: ZUser, url: str) -> str:
    """The file at ``url`` as ``who`` fetches it over HTTP (their API key, Basic auth)."""
    client = zulip.Client(email=who.email, api_key=who.api_key, site=world.server.url)
    client.ensure_session()
    assert client.session is not None
    with client.session as session:
        answer = session.get(world.server.url + url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.content.decode("utf-8")


def _post_week(world: ZulipWorld) -> list[int]:
    """Three announcements: read by Bob and Carol, by Bob, by nobody."""
    server = world.server
    ids = [
        server.send_message(world.alice, world.general, "news", text)
        for text in ("Office closed Monday", "New coffee machine", "@**all** fire drill at 3")
    ]
    server.mark_read(world.bob, ids[:2])
    server.mark_read(world.carol, ids[:1])
    return ids


async def test_missed_scheduled_run_posts_report_to_topic_and_dm(world: ZulipWorld) -> None:
    settings = world.settings(audit={"jobs": [JOB]})
    async with running(settings):
        pass  # first start: the job is stored with its next run next Monday
    ids = _post_week(world)
    make_due(world.data_dir, "audit:weekly")
    async with running(settings):
        await world.wait_for_posts(4)  # report + CSV file, to the topic and to Dave
    posts = world.bot_posts()
    topics = [topic for _, _, topic in posts]
    assert topics.count("read audit") == 2
    report = posts[0][1].splitlines()
    assert report[0].startswith("**Read audit of #general**")
    assert report[1].startswith(f"1. [message {ids[2]}](")
    assert "read by 0 of 3 (0%); no receipt: @_**Bob Cratchit|" in report[1]
    assert report[-1] == "**Summary:** 3 messages, read 3 of 9 times (33%)"
    attached = [text for _, text, _ in posts if text.startswith("Full table (CSV) of #general")]
    assert len(attached) == 2
    assert not any("```csv" in text for _, text, _ in posts)
    link = re.search(r"\[(audit-general-[\d-]+\.csv)\]\((/user_uploads/[^)]+)\)", attached[0])
    assert link is not None, attached[0]
    rows = list(csv.DictReader(io.StringIO(_download(world, world.carol, link.group(2)))))
    assert [int(r["message_id"]) for r in rows] == [ids[2], ids[1], ids[0]]
    assert [r["read_by_count"] for r in rows] == ["0", "1", "2"]
    with world.server.lock:
        direct = [m for m in world.server.state.messages.values() if m.type == "private"]
    assert {m.dm_user_ids for m in direct} == {tuple(sorted((world.bot.id, world.dave.id)))}


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


def test_cli_audit_and_receipts(world: ZulipWorld, tmp_path: Path) -> None:
    ids = _post_week(world)
    config = _config(world, tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["audit", "-c", str(config), "--channel", "general", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [int(m["message_id"]) for m in data["messages"]] == [ids[2], ids[1], ids[0]]
    best = data["messages"][2]
    assert {r["name"] for r in best["read_by"]} == {"Bob Cratchit", "Carol Danvers"}
    assert all(r["read_at"] is None for r in best["read_by"])  # Zulip gives no read times
    out = tmp_path / "audit.csv"
    args = ["--channel", "general", "--format", "csv", "--output", str(out)]
    result = runner.invoke(cli, ["audit", "-c", str(config), *args])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["read_by_count"] for r in rows] == ["0", "1", "2"]

    link = world.link(ids[0])
    result = runner.invoke(cli, ["receipts", "-c", str(config), link, "--format", "json"])
    assert result.exit_code == 0, result.output
    receipts = json.loads(result.output)
    assert receipts["message_id"] == str(ids[0])
    assert receipts["no_receipt"] == [{"id": str(world.dave.id), "name": "Dave Admin"}]
    unknown = runner.invoke(cli, ["audit", "-c", str(config), "--channel", "nope"])
    assert unknown.exit_code == 1
    assert "no Zulip channel named 'nope'" in unknown.output


#: The control: no pacing at all, not even from the server's rate-limit headers.
UNPACED = "max_requests_per_minute = 60000\nburst = 100\nfollow_rate_limit_headers = false"


def _rate_limited_audit(world: ZulipWorld, tmp_path: Path, audit: str) -> tuple[int, float]:
    """Audit 30 messages with the bot limited to 30 calls per 3 s; (429s, seconds)."""
    for number in range(30):
        world.server.send_message(world.alice, world.general, "news", f"notice {number}")
    world.server.set_rate_limit(30, 3.0)
    start = time.monotonic()
    config = str(_config(world, tmp_path, audit))
    args = ["--channel", "general", "--format", "json"]
    result = CliRunner().invoke(cli, ["audit", "-c", config, *args])
    elapsed = time.monotonic() - start
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["messages"]) == 30
    return world.server.count_429(), elapsed


def test_paced_audit_causes_no_429(world: ZulipWorld, tmp_path: Path) -> None:
    paced = "max_requests_per_minute = 300\nburst = 1"  # 1 + 15 per 3 s, + start-up
    count, elapsed = _rate_limited_audit(world, tmp_path, paced)
    assert count == 0
    assert elapsed < 10


def test_unpaced_audit_would_hit_the_limit(world: ZulipWorld, tmp_path: Path) -> None:
    count, _ = _rate_limited_audit(
        world,
        tmp_path,
        UNPACED,
    )
    assert count > 0


def _uploads_answer_404(world: ZulipWorld) -> None:
    """``POST /user_uploads`` answers 404, as on a server (or proxy) without the endpoint."""
    upload_path = "/api/v1/user_uploads"
    with world.server.lock:
        world.server._routes = [
            (method, pattern, _not_found if pattern.pattern == upload_path else handler)
            for method, pattern, handler in world.server._routes
        ]


def _not_found(request: Request) -> Response:
    return html_not_found(request.path)


async def test_a_server_without_uploads_gets_the_table_as_text(world: ZulipWorld) -> None:
    job = {**JOB, "post_to": {"channel": "general", "topic": "read audit"}}
    settings = world.settings(audit={"jobs": [job]})
    async with running(settings):
        pass  # first start: the job is stored with its next run next Monday
    ids = _post_week(world)
    _uploads_answer_404(world)
    make_due(world.data_dir, "audit:weekly")
    async with running(settings):
        posts = await world.wait_for_posts(2)  # the report, then the table in one part
    assert posts[1].startswith("Full table (CSV) of #general, part 1/1:\n```csv\n")
    rows = list(csv.DictReader(io.StringIO(posts[1].split("```csv\n", 1)[1].rsplit("\n```")[0])))
    assert [int(r["message_id"]) for r in rows] == [ids[2], ids[1], ids[0]]
    assert len(world.server.requests(path="/api/v1/user_uploads")) == 1  # refused once, no retry
