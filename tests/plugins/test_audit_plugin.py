"""The audit plugin on the memory backend: configuration, the posted report, destinations."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from botkit.config.settings import Settings
from botkit.errors import ReceiptsDisabled
from botkit.loader import load_plugins

from .conftest import T0, TeamFactory

JOB: dict[str, Any] = {
    "id": "weekly",
    "cron": "0 9 * * 1",
    "channels": ["general"],
    "since": "7d",
    "post_to": {"channel": "general", "topic": "audits", "users": ["carol"]},
}


async def test_job_posts_report_and_table_to_channel_topic_and_dm(
    team_factory: TeamFactory,
) -> None:
    team = await team_factory(audit={"jobs": [JOB]})
    quiet = team.backend.inject_offline(
        "Fire drill at 3", team.carol, team.general, at=T0 + timedelta(hours=1)
    )
    await team.host.run_scheduled("audit", "run_job", {"job_id": "weekly"})
    channel_posts = [(to, text) for to, text in team.backend.sent if not to.is_direct]
    dm_posts = [(to, text) for to, text in team.backend.sent if to.is_direct]
    assert {to.topic for to, _ in channel_posts} == {"audits"}
    assert [text for _, text in channel_posts][:1] == [text for _, text in dm_posts][:1]
    assert set(dm_posts[0][0].participants) == {team.bot.id, team.carol.id}
    assert len(channel_posts) == len(dm_posts) == 2  # the report, then the table as a file
    report = channel_posts[0][1]
    lines = report.splitlines()
    assert lines[0].startswith("**Read audit of #general**")
    assert lines[1].startswith(f"1. [message {quiet.id}](")  # least read first
    assert "read by 0 of 3 (0%); no receipt: Alice, Bob, Dave" in lines[1]
    assert "read by 1 of 3 (33%); no receipt: Carol, Dave" in lines[2]
    assert lines[-1] == "**Summary:** 2 messages, read 1 of 6 times (17%)"
    files = team.backend.uploads
    assert [(f.to.is_direct, f.filename.startswith("audit-general-")) for f in files] == [
        (False, True),
        (True, True),
    ]
    rows = list(csv.DictReader(io.StringIO(files[0].data.decode())))
    assert [r["message_id"] for r in rows] == [quiet.id, team.announcement.id]


async def test_filters_apply(team_factory: TeamFactory) -> None:
    job = {**JOB, "senders": ["carol"], "post_to": {"channel": "general"}, "full_table": False}
    team = await team_factory(audit={"jobs": [job]})
    team.backend.inject_offline("from carol", team.carol, team.general, at=T0)
    await team.host.run_scheduled("audit", "run_job", {"job_id": "weekly"})
    [(_, report)] = team.backend.sent
    assert "**Summary:** 1 message," in report


async def test_audit_failure_is_reported_not_raised(team_factory: TeamFactory) -> None:
    team = await team_factory(audit={"jobs": [JOB]})
    team.backend.fail_next("read_receipts", ReceiptsDisabled("Read receipts are disabled."))
    await team.host.run_scheduled("audit", "run_job", {"job_id": "weekly"})
    assert "could not run: Read receipts are disabled." in team.backend.sent[0][1]


@pytest.mark.parametrize(
    ("job", "problem"),
    [
        ({**JOB, "cron": "0 9 * *"}, "needs 5 fields"),
        ({**JOB, "timezone": "Mars/Olympus"}, "unknown timezone"),
        ({**JOB, "post_to": {}}, "post_to needs a channel or users"),
        ({**JOB, "channels": []}, "channels"),
        ({**JOB, "since": "soon"}, "not a duration"),
        ({**JOB, "colour": "red"}, "colour"),
    ],
)
def test_bad_job_configuration_is_a_clear_load_error(job: dict[str, Any], problem: str) -> None:
    settings = Settings(plugins={"enabled": ["audit"], "audit": {"jobs": [job]}})
    _, errors = load_plugins(settings, entry_points=False)
    assert len(errors) == 1
    assert problem in str(errors[0])


def test_duplicate_job_ids_are_rejected() -> None:
    settings = Settings(plugins={"enabled": ["audit"], "audit": {"jobs": [JOB, JOB]}})
    _, errors = load_plugins(settings, entry_points=False)
    assert "job ids must be unique: weekly" in str(errors[0])


async def test_each_job_is_scheduled(team_factory: TeamFactory) -> None:
    other = {**JOB, "id": "daily", "cron": "30 8 * * *", "timezone": "Europe/Paris"}
    team = await team_factory(audit={"jobs": [JOB, other]}, scheduler=True)
    jobs = {spec.job_id: spec for spec in team.host.jobs}
    assert set(jobs) == {"audit:weekly", "audit:daily"}
    assert jobs["audit:daily"].timezone == "Europe/Paris"
    assert jobs["audit:daily"].kwargs == {"job_id": "daily"}


async def test_audit_command_is_for_admins_and_answers_in_place(team_factory: TeamFactory) -> None:
    team = await team_factory()  # Dave is the admin
    [refused] = await team.ask("!audit general 1d", sender=team.bob)
    assert "not allowed" in refused
    [report] = await team.ask("!audit #general 1d", sender=team.dave)
    assert report.startswith("**Read audit of #general**")
    # only the announcement: requests to the bot and the bot's own answers are left out
    assert "**Summary:** 1 message, read 1 of 3 times" in report
    [bad] = await team.ask("!audit general soon", sender=team.dave)
    assert "'soon' is not a duration" in bad
