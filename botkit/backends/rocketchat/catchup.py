"""Catch-up: what the bot has not handled yet, bounded by ``CatchUpLimits``.

That is what arrived while the bot was down (rooms whose ``_updatedAt`` moved past their persisted
cursor) and, on a first start, each room's unread backlog (after the account's last-seen time; see
``start.py``). Each room is fetched from its cursor, but never from before ``now - max_age``; of
everything found, the newest ``max_messages`` (over all rooms) are delivered oldest first.

The rest is logged per room and recorded as handled, so the cursor moves past it. With read
receipts on, the room's next read mark (after the bot handles something there) covers those
messages too: ``subscriptions.read`` cannot leave them out, and refusing to mark such a room read
would keep it unread for good. The log line says so, which is where an operator learns that a
receipt of the bot on one of them does not mean it was processed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from botkit.backends.base import CatchUpLimits
from botkit.backends.rocketchat.convert import ONE_MS, RoomInfo, parse_ts
from botkit.backends.rocketchat.cursors import Cursors
from botkit.backends.rocketchat.poller import PollingSource, RawMessage, RoomFetcher
from botkit.models import Message

__all__ = ["COVERED_BY_READ_MARK", "collect_backlog"]

log = logging.getLogger("botkit.backends.rocketchat")

#: Appended to a log line about messages left out, when the bot marks rooms read.
COVERED_BY_READ_MARK = (
    "; the bot's next read mark in such a room covers them, so its receipt there does not mean "
    "they were processed"
)


async def collect_backlog(
    *,
    rooms: list[RoomInfo],
    cursors: Cursors,
    fetcher: RoomFetcher,
    source: PollingSource,
    limits: CatchUpLimits,
    now: datetime,
    marks_read: bool,
) -> list[Message]:
    """Fetch every room's backlog and return the messages to deliver, oldest first.
    ``marks_read``: whether the bot marks rooms read (only changes what the log says)."""
    if not rooms:
        return []
    covered = COVERED_BY_READ_MARK if marks_read else ""
    cutoff = now - limits.max_age if limits.max_age else None
    fetched: list[tuple[RoomInfo, list[RawMessage], bool]] = []
    for room in rooms:
        cursor = cursors.open(room.id, None)
        if limits.max_messages == 0:
            cursor.skip_to(room.last_message_at)
            log.warning(
                "Rocket.Chat catch-up: max_messages = 0, not handling the backlog of room %s%s",
                room.id,
                covered,
            )
            fetched.append((room, [], False))
            continue
        if cutoff is not None and (cursor.fetched is None or cursor.fetched < cutoff):
            log.warning(
                "Rocket.Chat catch-up: messages in room %s from before %s are older than "
                "max_age and are not handled%s",
                room.id,
                cutoff.isoformat(timespec="seconds"),
                covered,
            )
            cursor.skip_to(cutoff)
        # from the handled position itself (no overlap), so the limit counts backlog only
        raws, truncated = await fetcher.fetch(room, cursor.fetched, limit=limits.max_messages)
        floor = cursor.floor
        raws = [r for r in raws if floor is None or (parse_ts(r.get("ts")) or now) > floor]
        if truncated and raws:
            # older ones were never fetched: the next fetch's overlap must not bring them back
            oldest = parse_ts(raws[0].get("ts"))
            cursor.skip_to(None if oldest is None else oldest - ONE_MS)
        fetched.append((room, raws, truncated))

    candidates = sorted(
        (
            (parse_ts(raw.get("ts")) or now, str(raw["_id"]))
            for room, raws, _ in fetched
            for raw in raws
            if source.wants(raw)
        ),
        reverse=True,
    )
    keep = {message_id for _, message_id in candidates[: limits.max_messages]}

    messages: list[Message] = []
    for room, raws, truncated in fetched:
        cursor = cursors.open(room.id, None)
        delivered = source.accept(room, cursor, raws, deliver=keep)
        messages.extend(delivered)
        cursor.fetched_room_update = room.updated_at
        cursor.fetched_message_count = room.message_count
        dropped = sum(1 for raw in raws if source.wants(raw)) - len(delivered)
        if truncated or dropped > 0:
            log.warning(
                "Rocket.Chat catch-up: room %s had %s%d more message(s) than max_messages = %d "
                "allows; the oldest are not handled%s",
                room.id,
                "at least " if truncated else "",
                max(dropped, 1),
                limits.max_messages,
                covered,
            )
    messages.sort(key=lambda m: m.timestamp)
    log.info("Rocket.Chat catch-up: %d message(s) from %d room(s)", len(messages), len(rooms))
    return messages
