"""Catch-up: what arrived while the bot was down, bounded by ``CatchUpLimits``.

Rooms whose ``_updatedAt`` moved past their persisted cursor are fetched from that cursor, but
never from before ``now - max_age``; of everything found, the newest ``max_messages`` (over all
rooms) are delivered oldest first. The rest is logged per room and recorded as handled, so the
cursor moves past it; it will be covered by the room's next read mark, like any message the bot
chose not to dispatch.
"""

from __future__ import annotations

import logging
from datetime import datetime

from botkit.backends.base import CatchUpLimits
from botkit.backends.rocketchat.convert import ONE_MS, RoomInfo, parse_ts
from botkit.backends.rocketchat.cursors import Cursors
from botkit.backends.rocketchat.poller import PollingSource, RawMessage, RoomFetcher
from botkit.models import Message

__all__ = ["collect_backlog"]

log = logging.getLogger("botkit.backends.rocketchat")


async def collect_backlog(
    *,
    rooms: list[RoomInfo],
    cursors: Cursors,
    fetcher: RoomFetcher,
    source: PollingSource,
    limits: CatchUpLimits,
    now: datetime,
) -> list[Message]:
    """Fetch every room's backlog and return the messages to deliver, oldest first."""
    if not rooms:
        return []
    cutoff = now - limits.max_age if limits.max_age else None
    fetched: list[tuple[RoomInfo, list[RawMessage], bool]] = []
    for room in rooms:
        cursor = cursors.open(room.id, None)
        if limits.max_messages == 0:
            cursor.skip_to(room.last_message_at)
            log.warning("Rocket.Chat catch-up: max_messages = 0, skipping room %s", room.id)
            fetched.append((room, [], False))
            continue
        if cutoff is not None and (cursor.fetched is None or cursor.fetched < cutoff):
            log.warning(
                "Rocket.Chat catch-up: messages in room %s from before %s are older than "
                "max_age and are skipped",
                room.id,
                cutoff.isoformat(timespec="seconds"),
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
                "allows; the oldest were skipped",
                room.id,
                "at least " if truncated else "",
                max(dropped, 1),
                limits.max_messages,
            )
    messages.sort(key=lambda m: m.timestamp)
    log.info("Rocket.Chat catch-up: %d message(s) from %d room(s)", len(messages), len(rooms))
    return messages
