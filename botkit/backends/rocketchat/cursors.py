"""Per-room cursors: what the bot has fetched, what it has handled, and what it may mark read.

Two positions per room:

- ``fetched``: the newest ``ts`` fetched so far (in memory). The next fetch asks for messages from
  ``fetched - OVERLAP`` on, so a message committed a little late with an earlier ``ts`` is still
  found; ids seen in that window are remembered and dropped (``_updatedAt`` is never used: it
  moves when the server clears a message's unread flag).
- ``handled``: every message fetched with ``ts <= handled`` is handled. It is persisted in the
  backend's ``state`` (``cursor:<rid>``), so a restart resumes from there and the runtime dedupes
  the few messages that come again.

A room may be marked read only when nothing fetched is still pending (``unread_handled`` and no
``pending``) and the bot has fetched the room's newest message (``fetched >= last_message_at``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from botkit.backends.rocketchat.convert import ONE_MS, format_ts, parse_ts
from botkit.types import KeyValue

__all__ = ["OVERLAP", "Cursors", "RoomCursor"]

#: How far back each fetch looks again (ids inside this window are remembered and dropped).
OVERLAP = timedelta(seconds=2)


@dataclass
class RoomCursor:
    room_id: str
    fetched: datetime | None = None
    handled: datetime | None = None
    #: Yielded to the runtime, not yet acknowledged: id -> ts.
    pending: dict[str, datetime] = field(default_factory=dict)
    #: Ids fetched recently (id -> ts), to drop repeats from the overlapping window.
    seen: dict[str, datetime] = field(default_factory=dict)
    #: Messages at or before this moment are never delivered (they predate the bot's start in
    #: this room, or were handled before a restart): recorded as handled when fetched.
    floor: datetime | None = None
    #: Something from another user was handled since the last read mark.
    unread_handled: bool = False
    #: The room's ``_updatedAt`` / ``msgs`` as of the last successful fetch.
    fetched_room_update: datetime | None = None
    fetched_message_count: int | None = None

    def fetch_from(self) -> datetime | None:
        return None if self.fetched is None else self.fetched - OVERLAP

    def accept(self, raw: Mapping[str, Any], deliver: bool) -> bool | None:
        """Record one fetched message (oldest first). With ``deliver`` it goes to the runtime
        and stays pending until acknowledged, unless it is at or before ``floor``; otherwise (the
        bot's own, system messages, catch-up overflow) it counts as handled at once.

        Returns True when the message is to be delivered, False when it was only recorded, None
        for a repeat."""
        message_id = str(raw["_id"])
        ts = parse_ts(raw.get("ts"))
        if ts is None or message_id in self.seen:
            return None
        self.seen[message_id] = ts
        if self.fetched is None or ts > self.fetched:
            self.fetched = ts
        if deliver and (self.floor is None or ts > self.floor):
            self.pending[message_id] = ts
            return True
        return False

    def note_unread(self) -> None:
        self.unread_handled = True

    def acknowledge(self, message_ids: Iterable[str]) -> None:
        for message_id in message_ids:
            self.pending.pop(message_id, None)

    def settle(self) -> None:
        """Recompute ``handled`` and forget ids that fell out of the overlap window."""
        if self.pending:
            self.handled = min(self.pending.values()) - ONE_MS
        elif self.fetched is not None:
            self.handled = self.fetched
        if self.fetched is not None:
            horizon = self.fetched - OVERLAP - OVERLAP
            self.seen = {mid: ts for mid, ts in self.seen.items() if ts >= horizon}

    def skip_to(self, moment: datetime | None) -> None:
        """Start from ``moment`` (first start, catch-up off): nothing before it is fetched."""
        if moment is None:
            return
        if self.floor is None or moment > self.floor:
            self.floor = moment
        if self.fetched is None or moment > self.fetched:
            self.fetched = moment
            if not self.pending:
                self.handled = moment

    def ready_to_mark(self, last_message_at: datetime | None) -> bool:
        if not self.unread_handled or self.pending:
            return False
        if last_message_at is None:
            return True
        return self.fetched is not None and self.fetched >= last_message_at


class Cursors:
    """All rooms' cursors, persisted to the backend's ``state`` as ``cursor:<rid>``."""

    PREFIX = "cursor:"

    #: Acknowledged ids remembered, so a message acknowledged before it is fetched again (the
    #: runtime's retry of an earlier failure, then catch-up) is not handed over twice.
    REMEMBERED_ACKS = 10_000

    def __init__(self, state: KeyValue) -> None:
        self._state = state
        self._rooms: dict[str, RoomCursor] = {}
        self._saved: dict[str, str] = {}
        self._acknowledged: OrderedDict[str, None] = OrderedDict()

    def note_acknowledged(self, message_id: str) -> None:
        self._acknowledged[message_id] = None
        self._acknowledged.move_to_end(message_id)
        while len(self._acknowledged) > self.REMEMBERED_ACKS:
            self._acknowledged.popitem(last=False)

    def was_acknowledged(self, message_id: str) -> bool:
        return message_id in self._acknowledged

    def stored(self, room_id: str) -> datetime | None:
        """The persisted ``handled`` position, or None on a first start in this room."""
        return parse_ts(self._state.get(self.PREFIX + room_id))

    def get(self, room_id: str) -> RoomCursor | None:
        return self._rooms.get(room_id)

    def open(self, room_id: str, start: datetime | None) -> RoomCursor:
        """The cursor of ``room_id``, created at ``start`` if new."""
        cursor = self._rooms.get(room_id)
        if cursor is None:
            cursor = RoomCursor(room_id, fetched=start, handled=start, floor=start)
            self._rooms[room_id] = cursor
        return cursor

    def values(self) -> list[RoomCursor]:
        return list(self._rooms.values())

    def save(self, cursor: RoomCursor) -> None:
        """Persist ``handled`` when it changed (a quick local write)."""
        cursor.settle()
        if cursor.handled is None:
            return
        value = format_ts(cursor.handled)
        if self._saved.get(cursor.room_id) != value:
            self._state.set(self.PREFIX + cursor.room_id, value)
            self._saved[cursor.room_id] = value
