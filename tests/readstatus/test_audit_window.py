"""The audit's window and order at the edges: ties in time, absurd windows, and requests to the
bot, which every audit leaves out (the plugin and ``botkit audit`` report the same messages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from botkit.backends.memory import MemoryBackend
from botkit.models import Conversation, Message, Receipt, User
from botkit.readstatus.audit import EPOCH, Auditor, AuditReport
from botkit.readstatus.engine import ReadStatus
from botkit.readstatus.pacing import Pacer

from .fakes import FakeClock, MemoryHistory

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def _row(message_id: str, *, read: bool = False) -> ReadStatus:
    alice, bob = User("1", "Alice"), User("2", "Bob")
    message = Message(message_id, alice, Conversation.channel("5", "general"), "hi", NOW)
    readers = (Receipt(bob),) if read else ()
    return ReadStatus(message, (bob,), readers, () if read else (bob,), False)


def test_numeric_ids_sort_as_numbers_when_times_tie() -> None:
    ids = ["11", "3", "1", "12", "2", "10"]
    report = AuditReport("general", NOW, NOW, tuple(_row(i) for i in ids))
    assert [r.message.id for r in report.ordered("oldest")] == ["1", "2", "3", "10", "11", "12"]
    assert [r.message.id for r in report.ordered("newest")] == ["12", "11", "10", "3", "2", "1"]
    mixed = AuditReport("g", NOW, NOW, (_row("9", read=True), _row("10"), _row("4")))
    assert [r.message.id for r in mixed.ordered()] == ["4", "10", "9"]  # least read first


def test_other_ids_sort_as_text_when_times_tie() -> None:
    ids = ["bX", "aZ", "Ab"]
    report = AuditReport("general", NOW, NOW, tuple(_row(i) for i in ids))
    assert [r.message.id for r in report.ordered("oldest")] == ["Ab", "aZ", "bX"]


class Team:
    def __init__(self, prefix: str | None = "!") -> None:
        self.backend = MemoryBackend()
        self.history = MemoryHistory(self.backend)
        self.alice = self.backend.add_user("Alice", username="alice")
        self.bob = self.backend.add_user("Bob", username="bob")
        self.bot = self.backend.bot_user
        self.general = self.history.add_channel(
            self.backend.add_channel("general", [self.alice, self.bob])
        )
        clock = FakeClock()
        self.auditor = Auditor(
            self.backend,
            self.history,
            pacer=Pacer(6000, burst=100, clock=clock, wall=clock, sleep=clock.sleep),
            me=self.bot,
            command_prefix=prefix,
            clock=lambda: NOW,
        )

    def post(self, text: str, *, to: Conversation | None = None, mention: bool = False) -> Message:
        message = self.backend.inject_offline(
            text, self.alice, to or self.general, at=NOW - timedelta(hours=1), mentions_bot=mention
        )
        return self.history.post(message)


async def test_a_huge_window_starts_at_the_epoch_instead_of_overflowing() -> None:
    team = Team()
    team.post("hello")
    for since in (timedelta(weeks=100_000), timedelta(weeks=200_000), timedelta.max):
        report = await team.auditor.run("general", since)
        assert report.start == EPOCH
        assert len(report.rows) == 1


async def test_requests_to_the_bot_are_left_out() -> None:
    team = Team()
    kept = team.post("Lunch at noon")
    team.post("!audit general 1h")
    team.post("!receipts 42")
    team.post("@**botkit** who read this? #42", mention=True)
    team.post(
        "@_**Bob|2** [said](memory://message/1):\n```quote\nLunch\n```\n!receipts", mention=False
    )
    team.post("[ ](memory://message/1) @botkit who read this?", mention=True)
    report = await team.auditor.run("general", timedelta(days=1))
    assert [row.message.id for row in report.rows] == [kept.id]


async def test_without_the_prefix_nothing_is_taken_for_a_request() -> None:
    team = Team(prefix=None)
    team.post("Lunch at noon")
    team.post("!audit general 1h")
    report = await team.auditor.run("general", timedelta(days=1))
    assert len(report.rows) == 2
