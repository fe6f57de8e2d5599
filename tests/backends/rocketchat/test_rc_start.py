"""Where a room's reading starts at connect: the stored cursor, else the account's last-seen time,
else (only when the bot marks rooms read) the time it joined, else now."""

from __future__ import annotations

from datetime import UTC, datetime

from botkit.backends.rocketchat.rooms import SeenMarks
from botkit.backends.rocketchat.start import Origin, where_to_start

JOINED = datetime(2024, 1, 1, tzinfo=UTC)
SEEN = datetime(2024, 6, 1, tzinfo=UTC)
CURSOR = datetime(2024, 7, 1, tzinfo=UTC)


def test_a_stored_cursor_wins() -> None:
    assert where_to_start(CURSOR, SeenMarks(SEEN, JOINED), True) == (CURSOR, Origin.CURSOR)


def test_first_start_uses_last_seen_then_joined() -> None:
    assert where_to_start(None, SeenMarks(SEEN, JOINED), True) == (SEEN, Origin.LAST_SEEN)
    assert where_to_start(None, SeenMarks(None, JOINED), True) == (JOINED, Origin.JOINED)


def test_without_read_marks_only_last_seen_counts() -> None:
    assert where_to_start(None, SeenMarks(SEEN, JOINED), False) == (SEEN, Origin.LAST_SEEN)
    assert where_to_start(None, SeenMarks(None, JOINED), False) == (None, Origin.NOW)


def test_no_subscription_listed_means_now() -> None:
    assert where_to_start(None, None, True) == (None, Origin.NOW)


def test_seen_marks_read_the_subscription_json() -> None:
    marks = SeenMarks.from_json({"ls": "2024-06-01T00:00:00.000Z", "ts": "2024-01-01T00:00:00Z"})
    assert (marks.last_seen, marks.joined, marks.read_from) == (SEEN, JOINED, SEEN)
    assert SeenMarks.from_json({"ts": "2024-01-01T00:00:00Z"}).read_from == JOINED
