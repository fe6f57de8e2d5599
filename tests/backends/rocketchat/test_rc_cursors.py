"""Per-room cursors: what is fetched, handled, persisted and ready to be marked read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botkit.backends.rocketchat.convert import RoomInfo, format_ts
from botkit.backends.rocketchat.cursors import Cursors, RoomCursor
from botkit.backends.rocketchat.poller import needs_fetch
from botkit.testing import MemoryKeyValue as DictState

T0 = datetime(2026, 11, 22, 1, 0, 0, tzinfo=UTC)


def raw(mid: str, seconds: float) -> dict[str, Any]:
    return {"_id": mid, "ts": format_ts(T0 + timedelta(seconds=seconds))}


def test_handled_stops_before_the_oldest_pending_message() -> None:
    cursors = Cursors(DictState())
    cursor = cursors.open("r1", T0)
    assert cursor.accept(raw("a", 1), deliver=True)
    assert cursor.accept(raw("b", 2), deliver=True)
    cursors.save(cursor)
    assert cursor.handled is not None
    assert cursor.handled < T0 + timedelta(seconds=1)
    cursor.acknowledge(["b"])
    cursors.save(cursor)
    assert cursor.handled < T0 + timedelta(seconds=1)  # "a" still pending
    cursor.acknowledge(["a"])
    cursors.save(cursor)
    assert cursor.handled == T0 + timedelta(seconds=2)


def test_cursor_survives_a_restart_through_state() -> None:
    state = DictState()
    cursors = Cursors(state)
    cursor = cursors.open("r1", T0)
    cursor.accept(raw("a", 3), deliver=True)
    cursor.acknowledge(["a"])
    cursors.save(cursor)
    assert Cursors(state).stored("r1") == T0 + timedelta(seconds=3)
    assert Cursors(state).stored("r2") is None


def test_repeats_from_the_overlapping_window_are_dropped() -> None:
    cursor = RoomCursor("r1")
    assert cursor.accept(raw("a", 1), deliver=True) is True
    assert cursor.accept(raw("a", 1), deliver=True) is None
    # own / system messages are recorded, not delivered
    assert cursor.accept(raw("mine", 2), deliver=False) is False
    assert cursor.fetched == T0 + timedelta(seconds=2)


def test_messages_at_or_before_the_floor_are_never_delivered() -> None:
    cursor = RoomCursor("r1")
    cursor.skip_to(T0 + timedelta(seconds=5))
    assert cursor.accept(raw("old", 4), deliver=True) is False
    assert cursor.accept(raw("new", 6), deliver=True) is True


def test_ready_to_mark_only_when_all_handled_and_newest_fetched() -> None:
    cursor = RoomCursor("r1")
    cursor.accept(raw("a", 1), deliver=True)
    cursor.note_unread()
    last = T0 + timedelta(seconds=1)
    assert not cursor.ready_to_mark(last)  # "a" pending
    cursor.acknowledge(["a"])
    assert cursor.ready_to_mark(last)
    assert not cursor.ready_to_mark(last + timedelta(milliseconds=1))  # newer message unseen
    cursor.unread_handled = False
    assert not cursor.ready_to_mark(last)  # nothing new handled since the last mark


def test_needs_fetch_sees_thread_replies_through_the_counter() -> None:
    cursor = RoomCursor("r1", fetched=T0)
    cursor.fetched_room_update = T0
    cursor.fetched_message_count = 3
    same = RoomInfo("r1", "c", updated_at=T0, last_message_at=T0, message_count=3)
    assert not needs_fetch(same, cursor)
    touched = RoomInfo(
        "r1", "c", updated_at=T0 + timedelta(seconds=1), last_message_at=T0, message_count=3
    )
    assert not needs_fetch(touched, cursor)  # e.g. the unread flag cleared: nothing to fetch
    reply = RoomInfo(
        "r1", "c", updated_at=T0 + timedelta(seconds=1), last_message_at=T0, message_count=4
    )
    assert needs_fetch(reply, cursor)
    newer = RoomInfo(
        "r1",
        "c",
        updated_at=T0 + timedelta(seconds=1),
        last_message_at=T0 + timedelta(seconds=1),
        message_count=3,
    )
    assert needs_fetch(newer, cursor)
