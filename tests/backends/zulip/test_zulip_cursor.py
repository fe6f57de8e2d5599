"""The local cursor never passes a message that was handed out and not yet handled."""

from __future__ import annotations

from zulip_support import DictState

from botkit.backends.zulip.cursor import Cursor


def test_first_start_begins_at_the_given_id_only_once() -> None:
    cursor = Cursor(DictState())
    assert cursor.value is None
    cursor.start_at(50)
    cursor.start_at(70)
    assert cursor.value == 50


def test_cursor_stays_below_a_message_still_being_handled() -> None:
    state = DictState()
    cursor = Cursor(state)
    for message_id in (10, 11, 12):
        cursor.handed_out(message_id)
    cursor.handled([10, 12])
    assert cursor.value == 10  # 11 is still in flight
    cursor.handled([11])
    assert cursor.value == 12
    assert state.data["cursor"] == 12


def test_cursor_never_moves_back() -> None:
    cursor = Cursor(DictState())
    cursor.handed_out(5)
    cursor.handled([5])
    cursor.handled([3])
    assert cursor.value == 5


def test_a_never_acknowledged_message_stops_holding_the_cursor_back() -> None:
    now = [0.0]
    cursor = Cursor(DictState(), stale_after=60, clock=lambda: now[0])
    cursor.handed_out(10)
    cursor.handed_out(11)
    cursor.handled([11])
    assert cursor.value == 9
    now[0] = 61.0
    cursor.handed_out(12)
    cursor.handled([12])
    assert cursor.value == 12
