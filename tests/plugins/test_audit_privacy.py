"""Reports about a private channel reach only that channel, or its members by direct message:
``!audit`` asked anywhere else is refused, and a job skips (and logs) every other destination."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from .conftest import Team, TeamFactory

PUBLIC_REFUSAL = (
    "That channel is private: ask me in it or in a direct message, so nobody else sees the report."
)
DM_REFUSAL = "That channel is private: only its members can get its audit."


async def _team(team_factory: TeamFactory, **tables: Any) -> Team:
    # Bob is a member of #secret; Dave is not; both are admins
    return await team_factory(admins=("dave", "bob"), **tables)


async def test_audit_of_a_private_channel_is_refused_in_public(team_factory: TeamFactory) -> None:
    team = await _team(team_factory)
    assert await team.ask("!audit secret 1h", sender=team.dave) == [PUBLIC_REFUSAL]
    assert await team.ask("!audit #secret 1h", sender=team.bob) == [PUBLIC_REFUSAL]


async def test_audit_of_a_private_channel_is_answered_in_it_or_to_a_member(
    team_factory: TeamFactory,
) -> None:
    team = await _team(team_factory)
    [in_place] = await team.ask("!audit secret 1d", sender=team.bob, to=team.secret)
    member_dm = team.backend.direct(team.bob, team.bot)
    [by_dm] = await team.ask("!audit secret 1d", sender=team.bob, to=member_dm)
    outsider_dm = team.backend.direct(team.dave, team.bot)
    [refused] = await team.ask("!audit secret 1d", sender=team.dave, to=outsider_dm)
    assert in_place.startswith("**Read audit of #secret**")
    assert by_dm.startswith("**Read audit of #secret**")
    assert refused == DM_REFUSAL


async def test_public_channels_are_audited_anywhere(team_factory: TeamFactory) -> None:
    team = await _team(team_factory)
    outsider_dm = team.backend.direct(team.dave, team.bot)
    [report] = await team.ask("!audit general 1d", sender=team.dave, to=outsider_dm)
    assert report.startswith("**Read audit of #general**")


JOB: dict[str, Any] = {
    "id": "weekly",
    "cron": "0 9 * * 1",
    "channels": ["secret", "general"],
    "since": "7d",
    "post_to": {"channel": "general", "topic": "audits", "users": ["carol", "bob"]},
}


async def test_a_job_skips_destinations_that_may_not_read_a_private_report(
    team_factory: TeamFactory, caplog: pytest.LogCaptureFixture
) -> None:
    team = await _team(team_factory, audit={"jobs": [JOB]})
    with caplog.at_level(logging.WARNING):
        await team.host.run_scheduled("audit", "run_job", {"job_id": "weekly"})
    secret = [(to, text) for to, text in team.backend.sent if "#secret" in text]
    assert secret, "Bob, a member, gets the report"
    assert {to.participants for to, _ in secret} == {tuple(sorted((team.bob.id, team.bot.id)))}
    general = [to for to, text in team.backend.sent if "#general" in text]
    assert len({(to.id, to.topic) for to in general}) == 3  # the public one goes everywhere
    skipped = [r.getMessage() for r in caplog.records if "is not" in r.getMessage()]
    assert skipped == [
        "audit job 'weekly': the report of private #secret is not posted to #general: only that "
        "channel and direct messages to its members may get it",
        "audit job 'weekly': the report of private #secret is not sent to Carol, who is not a "
        "member of it",
    ]


async def test_a_job_posting_into_the_private_channel_itself_posts(
    team_factory: TeamFactory,
) -> None:
    job = {**JOB, "channels": ["secret"], "post_to": {"channel": "secret"}, "full_table": False}
    team = await _team(team_factory, audit={"jobs": [job]})
    await team.host.run_scheduled("audit", "run_job", {"job_id": "weekly"})
    [(to, report)] = team.backend.sent
    assert to.id == team.secret.id
    assert report.startswith("**Read audit of #secret**")
