"""Receiving by REST polling: find rooms with new activity, fetch each one's new messages.

One cycle::

    rooms.get?updatedSince=...            one request; empty when nothing happened
    <type>.history?roomId&oldest&...      only for rooms whose message count or last message moved
    subscriptions.read                    rooms that are now fully handled (see acks.py)

History endpoints hide thread replies unless ``showThreadMessages=true``; the bot must see commands
typed in threads, so it always asks for them. Pages come newest first (count/offset); the poller
pages until a short page and hands messages over oldest first.

``MessageSource`` is the seam for another way of learning about new messages (a websocket / DDP
stream could push them): the backend only needs batches of messages and a way to be woken.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.convert import RoomInfo, format_ts, is_system_message, parse_ts
from botkit.backends.rocketchat.cursors import OVERLAP, Cursors, RoomCursor
from botkit.backends.rocketchat.rooms import RoomDirectory
from botkit.errors import AuthError, BackendError, RateLimited, ServerUnavailable
from botkit.models import Message, User

__all__ = ["HISTORY", "MessageSource", "PollingSource", "RoomFetcher"]

log = logging.getLogger("botkit.backends.rocketchat")

HISTORY = {"c": "channels.history", "p": "groups.history", "d": "im.history"}
PAGE = 100
MAX_PAGES = 1000  # a loop bound, not a policy: 100 000 messages in one room in one cycle


class MessageSource(Protocol):
    """Where live messages come from. ``batches()`` yields lists of new messages (oldest first)
    until ``stop()``; ``wake()`` asks for an early look (something was just acknowledged)."""

    def batches(self) -> AsyncIterator[list[Message]]: ...

    def wake(self) -> None: ...

    def stop(self) -> None: ...


RawMessage = dict[str, Any]


class RoomFetcher:
    """Fetches a room's messages after a point in time, oldest first."""

    def __init__(self, client: RocketChatClient) -> None:
        self._client = client

    async def fetch(
        self, room: RoomInfo, oldest: datetime | None, limit: int | None = None
    ) -> tuple[list[RawMessage], bool]:
        """Messages with ``ts >= oldest`` (all when None), oldest first. With ``limit`` only the
        newest ``limit``; the flag says whether older ones were left out."""
        endpoint = HISTORY[room.type]
        newest_first: list[RawMessage] = []
        offset = 0
        wanted = None if limit is None else limit + 1  # one more tells whether any were left
        for _ in range(MAX_PAGES):
            count = PAGE if wanted is None else min(PAGE, wanted - len(newest_first))
            if count <= 0:
                break
            data = await self._client.get(
                endpoint,
                roomId=room.id,
                oldest=None if oldest is None else format_ts(oldest),
                inclusive="true",
                showThreadMessages="true",
                count=count,
                offset=offset,
            )
            page = [m for m in data.get("messages") or () if isinstance(m, dict) and "_id" in m]
            newest_first.extend(page)
            if len(page) < count:
                break
            offset += len(page)
        truncated = limit is not None and len(newest_first) > limit
        newest_first = newest_first[:limit]
        # offset paging over a list that grows at the top may repeat an item: keep the first
        unique = {str(m["_id"]): m for m in reversed(newest_first)}
        ordered = sorted(unique.values(), key=lambda m: parse_ts(m.get("ts")) or _EPOCH)
        return ordered, truncated


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def needs_fetch(room: RoomInfo, cursor: RoomCursor) -> bool:
    """Did the room get messages the bot has not fetched? (Cheap: no request.)"""
    if (
        cursor.fetched_room_update is not None
        and room.updated_at is not None
        and room.updated_at <= cursor.fetched_room_update
    ):
        return False
    if room.last_message_at is not None and (
        cursor.fetched is None or room.last_message_at > cursor.fetched
    ):
        return True
    # thread-only replies move msgs but not lm; unknown counters mean "look"
    return room.message_count is None or room.message_count != cursor.fetched_message_count


class PollingSource:
    """The REST polling ``MessageSource``; see the module docstring."""

    def __init__(
        self,
        *,
        directory: RoomDirectory,
        cursors: Cursors,
        fetcher: RoomFetcher,
        me: User,
        to_message: Callable[[RawMessage, RoomInfo], Message],
        after_fetch: Callable[[], Awaitable[None]],
        interval: float,
        track_unread: bool,
    ) -> None:
        self._directory = directory
        self._cursors = cursors
        self._fetcher = fetcher
        self._me = me
        self._to_message = to_message
        self._after_fetch = after_fetch
        self._interval = interval
        self._track_unread = track_unread
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self.lock = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    async def batches(self) -> AsyncIterator[list[Message]]:
        failures = 0
        while not self._stopped.is_set():
            self._wake.clear()
            try:
                async with self.lock:
                    batch = await self.poll_once()
                failures = 0
            except AuthError:
                raise
            except BackendError as exc:
                failures += 1
                log.warning("Rocket.Chat poll failed (%s); polling again", exc)
                batch = []
            if batch:
                yield batch
            delay = self._interval * min(2**failures, 30) if failures else self._interval
            if not self._wake.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def discover(self) -> None:
        """Refresh the room directory and open cursors for rooms the bot just joined (callers
        hold ``lock``)."""
        new_rooms, since_used = await self._directory.refresh()
        for room in new_rooms:
            await self._open_new_room(room, since_used)

    async def poll_once(self) -> list[Message]:
        """Discover, fetch and mark read once (callers hold ``lock``)."""
        await self.discover()
        messages: list[Message] = []
        for room in list(self._directory.rooms.values()):
            cursor = self._cursors.open(room.id, None)
            if not needs_fetch(room, cursor):
                continue
            try:
                raws, _ = await self._fetcher.fetch(room, cursor.fetch_from())
            except ApiError as exc:
                # one unreadable room (permissions changed) must not stop the others
                log.warning("Rocket.Chat: cannot read room %s: %s", room.id, exc)
            except (ServerUnavailable, RateLimited) as exc:
                # the room stays "changed" and is fetched next cycle; what this cycle already
                # accepted must still reach the runtime, so no exception leaves here
                log.warning("Rocket.Chat: fetching room %s failed (%s); next cycle", room.id, exc)
                break
            else:
                messages.extend(self.accept(room, cursor, raws, deliver=None))
            cursor.fetched_room_update = room.updated_at
            cursor.fetched_message_count = room.message_count
        try:
            await self._after_fetch()
        except (ServerUnavailable, RateLimited) as exc:
            log.warning("Rocket.Chat: marking rooms read failed (%s); next cycle", exc)
        messages.sort(key=lambda m: m.timestamp)
        return messages

    def wants(self, raw: RawMessage) -> bool:
        """Messages for the runtime: not the bot's own, not system messages (joins, ...)."""
        sender = raw.get("u")
        own = isinstance(sender, dict) and sender.get("_id") == self._me.id
        return not own and not is_system_message(raw)

    def accept(
        self,
        room: RoomInfo,
        cursor: RoomCursor,
        raws: list[RawMessage],
        deliver: set[str] | None,
    ) -> list[Message]:
        """Record fetched messages in the room's cursor; return those for the runtime. Only ids in
        ``deliver`` go out when it is given (catch-up overflow is recorded as skipped)."""
        out: list[Message] = []
        for raw in raws:
            # acknowledged already (a retry of a message that failed in an earlier run)
            wanted = self.wants(raw) and not self._cursors.was_acknowledged(str(raw["_id"]))
            if deliver is not None:
                wanted = wanted and str(raw["_id"]) in deliver
            delivered = cursor.accept(raw, wanted)
            if delivered:
                if self._track_unread:
                    cursor.note_unread()
                out.append(self._to_message(raw, room))
        self._cursors.save(cursor)
        return out

    async def _open_new_room(self, room: RoomInfo, since_used: datetime | None) -> None:
        """A room that appeared while running: what the bot's account has not read there is for
        the bot (after its last-seen time, else after it joined: the same rule as a first start,
        see start.py); after a re-join, what is before its stored cursor was handled."""
        start = await self._directory.joined_at(room.id)
        if start is None:  # the server would not say: everything since the last look is new
            start = since_used or datetime.now(UTC) - timedelta(seconds=self._interval) - OVERLAP
        stored = self._cursors.stored(room.id)
        if stored is not None and stored > start:
            start = stored
        log.info("Rocket.Chat: joined room %s; handling messages after %s", room.id, start)
        cursor = self._cursors.open(room.id, start)
        self._cursors.save(cursor)
