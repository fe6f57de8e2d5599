"""The audit engine: window, filters, least-read order, pacing and retries."""

from __future__ import annotations

from dataclasses import replace as with_topic
from datetime import UTC, datetime, timedelta

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.errors import MessageNotFound, RateLimited
from botkit.models import Message, User
from botkit.readstatus.audit import AuditFilter, Auditor, mentions_any
from botkit.readstatus.pacing import Pacer

from .fakes import FakeClock, MemoryHistory

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


class Team:
    def __init__(self) -> None:
        self.backend = MemoryBackend()
        self.history = MemoryHistory(self.backend)
        b = self.backend
        self.alice, self.bob, self.carol, self.dave = (
            b.add_user(n) for n in ("Alice", "Bob", "Carol", "Dave")
        )
        self.robot = b.add_user("Robot", is_bot=True)
        self.general = self.history.add_channel(
            b.add_channel("general", [self.alice, self.bob, self.carol, self.dave, self.robot])
        )

    def post(self, text: str, sender: User, age: timedelta, readers: list[User]) -> Message:
        message = self.backend.inject_offline(text, sender, self.general, at=NOW - age)
        for reader in readers:
            self.backend.read(reader, message, at=NOW - age + timedelta(minutes=1))
        return self.history.post(message)

    def auditor(self, **kwargs: object) -> Auditor:
        clock = FakeClock()
        pacer = Pacer(6000, burst=100, clock=clock, wall=clock, sleep=clock.sleep)
        return Auditor(self.backend, self.history, pacer=pacer, clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def team() -> Team:
    return Team()


async def test_window_and_least_read_first(team: Team) -> None:
    team.post("old news", team.alice, timedelta(days=9), [])
    well_read = team.post("lunch", team.alice, timedelta(days=2), [team.bob, team.carol, team.dave])
    ignored = team.post("@**all** release!", team.bob, timedelta(days=1), [team.carol])
    report = await team.auditor().run("general", timedelta(days=7))
    assert [row.message.id for row in report.ordered()] == [ignored.id, well_read.id]
    assert [row.message.id for row in report.ordered("oldest")] == [well_read.id, ignored.id]
    assert (report.reads, report.possible_reads, report.percent) == (4, 6, 67)
    assert report.start == NOW - timedelta(days=7)


async def test_bot_messages_are_skipped_unless_asked_for(team: Team) -> None:
    team.post("beep", team.robot, timedelta(hours=1), [])
    assert (await team.auditor().run("general", timedelta(days=1))).rows == ()
    report = await team.auditor().run(
        "general", timedelta(days=1), AuditFilter(include_bot_messages=True)
    )
    assert len(report.rows) == 1


async def test_filters_by_sender_and_mentions(team: Team) -> None:
    team.post("plain", team.alice, timedelta(hours=3), [])
    shout = team.post("@**everyone** fire drill", team.alice, timedelta(hours=2), [])
    team.post("@**all** from bob", team.bob, timedelta(hours=1), [])
    report = await team.auditor().run(
        "general", timedelta(days=1), AuditFilter(senders=("alice",), mentions=("everyone",))
    )
    assert [row.message.id for row in report.rows] == [shout.id]


def test_mentions_any() -> None:
    assert mentions_any("hey @**all**", ["everyone"])
    assert mentions_any("hey @all", ["everyone"])
    assert mentions_any("ping @*backend* team", ["backend"])
    assert not mentions_any("silent @_**all**", ["everyone"])
    assert not mentions_any("mail me at x@all.com", ["everyone"])
    assert not mentions_any("@*frontend*", ["backend"])


async def test_deleted_messages_are_counted_not_fatal(team: Team) -> None:
    team.post("one", team.alice, timedelta(hours=2), [])
    team.post("two", team.alice, timedelta(hours=1), [])
    team.backend.fail_next("read_receipts", MessageNotFound("x"))
    report = await team.auditor().run("general", timedelta(days=1))
    assert (len(report.rows), report.skipped) == (1, 1)


async def test_a_429_is_waited_out_and_retried(team: Team) -> None:
    team.post("one", team.alice, timedelta(hours=1), [team.bob])
    team.backend.fail_next("read_receipts", RateLimited(4.0))
    auditor = team.auditor()
    report = await auditor.run("general", timedelta(days=1))
    assert report.rows[0].read_count == 1
    assert auditor.pacer.waited >= 4.0


async def test_one_call_per_message_and_members_once(team: Team) -> None:
    for hours in range(5):
        team.post(f"m{hours}", team.alice, timedelta(hours=hours + 1), [])
    auditor = team.auditor()
    progress: list[tuple[int, int]] = []
    await auditor.run("general", timedelta(days=1), progress=lambda d, t: progress.append((d, t)))
    assert auditor.pacer.calls == 1 + 5  # history + one receipts call per message
    assert progress[-1] == (5, 5)
    team.backend.fail_next("members", AssertionError("members fetched again"))
    await auditor.run("general", timedelta(days=1))


async def test_header_feedback_slows_the_audit(team: Team) -> None:
    team.post("one", team.alice, timedelta(hours=2), [])
    team.post("two", team.alice, timedelta(hours=1), [])
    clock = FakeClock()
    pacer = Pacer(6000, burst=100, reserve=0, clock=clock, wall=clock, sleep=clock.sleep)
    team.backend.rate_limit_info = lambda: (0, clock.now + 10)  # type: ignore[attr-defined]
    auditor = Auditor(team.backend, team.history, pacer=pacer, clock=lambda: NOW)
    await auditor.run("general", timedelta(days=1))
    assert pacer.waited >= 10


async def test_topic_filter(team: Team) -> None:
    general = team.general
    lunch = team.backend.inject_offline(
        "pizza", team.alice, with_topic(general, topic="Lunch"), at=NOW - timedelta(hours=1)
    )
    team.history.post(lunch)
    team.history.post(
        team.backend.inject_offline(
            "deploy", team.alice, with_topic(general, topic="ops"), at=NOW - timedelta(hours=1)
        )
    )
    report = await team.auditor().run("general", timedelta(days=1), AuditFilter(topic="lunch"))
    assert [row.message.id for row in report.rows] == [lunch.id]
