"""The audit's full table: a CSV file where the backend attaches files, else CSV text in parts,
with the reason logged once."""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import timedelta
from typing import Any

import pytest

from botkit.errors import NotSupported
from botkit.models import Conversation
from botkit.readstatus.report import CsvFile
from botkit.readstatus.uploads import attach

from .conftest import T0, Team, TeamFactory

JOB: dict[str, Any] = {
    "id": "weekly",
    "cron": "0 9 * * 1",
    "channels": ["general"],
    "since": "7d",
    "post_to": {"channel": "general", "topic": "audits"},
}


def _rows_in_parts(texts: list[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for text in texts:
        if "```csv\n" in text:
            body = text.split("```csv\n", 1)[1].rsplit("\n```", 1)[0]
            rows += list(csv.DictReader(io.StringIO(body)))
    return rows


async def _run(team: Team) -> list[str]:
    before = len(team.backend.sent)
    await team.host.run_scheduled("audit", "run_job", {"job_id": "weekly"})
    return [text for _, text in team.backend.sent[before:]]


async def _team(team_factory: TeamFactory) -> Team:
    team = await team_factory(audit={"jobs": [JOB]})
    team.backend.inject_offline("Fire drill", team.carol, team.general, at=T0 + timedelta(hours=1))
    return team


async def test_the_table_is_one_csv_file(team_factory: TeamFactory) -> None:
    team = await _team(team_factory)
    posted = await _run(team)
    [upload] = team.backend.uploads
    assert re.fullmatch(r"audit-general-\d{4}-\d{2}-\d{2}\.csv", upload.filename)
    assert upload.content_type == "text/csv"
    assert upload.to.topic == "audits"
    assert posted[-1].startswith("Full table (CSV) of #general: 2 messages\n[audit-general-")
    assert not any("```csv" in text for text in posted)
    rows = list(csv.DictReader(io.StringIO(upload.data.decode("utf-8"))))
    assert [(r["read_by_count"], r["audience_count"], r["no_receipt"]) for r in rows] == [
        ("0", "3", "Alice; Bob; Dave"),
        ("1", "3", "Carol; Dave"),
    ]


@pytest.mark.parametrize(
    ("limit", "reason"),
    [
        ({"uploads_enabled": False}, "file uploads are turned off on this server"),
        ({"max_upload_bytes": 10}, "is larger than the upload limit"),
    ],
)
async def test_a_refused_file_falls_back_to_parts_and_says_why_once(
    team_factory: TeamFactory,
    caplog: pytest.LogCaptureFixture,
    limit: dict[str, Any],
    reason: str,
) -> None:
    team = await _team(team_factory)
    for name, value in limit.items():
        setattr(team.backend, name, value)
    with caplog.at_level(logging.INFO):
        first = await _run(team)
        second = await _run(team)
    assert team.backend.uploads == []
    assert first[1].startswith("Full table (CSV) of #general, part 1/1:")
    rows = _rows_in_parts(first)
    assert [r["read_by_count"] for r in rows] == ["0", "1"]
    assert _rows_in_parts(second) == rows
    told = [r.getMessage() for r in caplog.records if "posted as text in parts" in r.getMessage()]
    assert len(told) == 1
    assert reason in told[0]


async def test_a_refusal_at_upload_time_still_delivers_the_table(
    team_factory: TeamFactory,
) -> None:
    team = await _team(team_factory)
    team.backend.fail_next("upload", NotSupported("the server said no"))
    posted = await _run(team)
    assert "part 1/1" in posted[-1]  # a refusal: the table still arrives, as text


async def test_a_backend_without_uploads_cannot_attach() -> None:
    class NoUploads:
        name = "plain"

    file = CsvFile("audit-x-2024-01-01.csv", b"a\n", "caption")
    with pytest.raises(NotSupported, match="the plain backend cannot attach files"):
        await attach(NoUploads(), Conversation.channel("1", "x"), file)
