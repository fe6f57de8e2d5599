"""``RocketChatBackend``: the Backend protocol on Rocket.Chat's REST API (rocketchat-API).

Pieces: ``client`` (threads, retries, 429s, auth), ``rooms`` (discovery), ``poller`` (fetching,
the ``MessageSource`` seam), ``cursors`` (fetched / handled per room, persisted in ``state``),
``acks`` (room-level read marks), ``readstatus`` (receipts, members, users), ``history`` (a
room's messages by name, for audits: the backend is its own ``HistorySource``), ``dms`` (opening
a DM addressed by people), ``uploads`` (a file attached to a message), ``convert``.

Edits are ignored for now: a message is handled once, by ``_id``; an edit keeps its ``ts`` and is
never fetched again as new. (``editedAt`` is where edit handling would start.)
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from botkit.backends.base import CatchUpLimits
from botkit.backends.recent import RecentMessages
from botkit.backends.rocketchat.acks import ReadMarker, describe_read_state
from botkit.backends.rocketchat.catchup import COVERED_BY_READ_MARK, collect_backlog
from botkit.backends.rocketchat.client import ApiError, RetryPolicy, RocketChatClient
from botkit.backends.rocketchat.convert import RoomInfo, to_message, to_user
from botkit.backends.rocketchat.cursors import Cursors
from botkit.backends.rocketchat.dms import DirectRooms
from botkit.backends.rocketchat.history import RoomHistory
from botkit.backends.rocketchat.poller import PollingSource, RawMessage, RoomFetcher
from botkit.backends.rocketchat.readstatus import ReadStatus, ReceiptsState
from botkit.backends.rocketchat.rooms import RoomDirectory
from botkit.backends.rocketchat.start import Origin, log_first_starts, where_to_start
from botkit.backends.rocketchat.uploads import RoomUploads
from botkit.config.settings import Settings
from botkit.errors import BackendError, MessageNotFound
from botkit.models import Conversation, Message, Receipt, User
from botkit.types import KeyValue

__all__ = ["RocketChatBackend"]

log = logging.getLogger("botkit.backends.rocketchat")

DEFAULT_MAX_MESSAGE_LENGTH = 5000
#: The route whose rate limit paces audits (one receipts call per message).
RECEIPTS_ROUTE = "chat.getMessageReadReceipts"


class RocketChatBackend:
    """See the module docstring and ``botkit.backends.base.Backend``."""

    name = "rocketchat"

    def __init__(self, settings: Settings, *, retry: RetryPolicy | None = None) -> None:
        section = settings.rocketchat
        self._client = RocketChatClient(section, retry)
        receipts = settings.bot.send_read_receipts
        #: Rocket.Chat has no per-user receipts setting: None means true here.
        self.send_read_receipts = True if receipts is None else receipts
        self.max_message_length = DEFAULT_MAX_MESSAGE_LENGTH
        self._interval = section.poll_interval
        self._directory = RoomDirectory(self._client)
        self._fetcher = RoomFetcher(self._client)
        self._marker = ReadMarker(self._client, self.send_read_receipts)
        self._status = ReadStatus(self._client, self._directory)
        self._history = RoomHistory(
            self._client, self._directory, self._fetcher, self._status, self._to_message
        )
        self._direct = DirectRooms(self._client, self._directory, self._status)
        self._uploads = RoomUploads(self._client)
        self._cursors: Cursors | None = None
        self._source: PollingSource | None = None
        self._me: User | None = None
        self._backlog: list[str] = []
        self._catch_up_started = False
        self._recent = RecentMessages()  # edits are ignored, and messages never change room
        self._listening = False
        self._closed = False

    @property
    def me(self) -> User:
        if self._me is None:
            raise BackendError("the Rocket.Chat backend is not connected")
        return self._me

    def describe_read_state(self) -> str:
        return describe_read_state(self.send_read_receipts)

    async def receipts_state(self) -> ReceiptsState:
        """What the server's public settings say about read receipts (cached a minute)."""
        return await self._status.receipts_state()

    # -- lifecycle ------------------------------------------------------------------------------
    async def connect(self, state: KeyValue) -> User:
        self._me = to_user(await self._client.login())
        settings = await self._status.receipts_state()
        if settings.max_message_size:
            self.max_message_length = settings.max_message_size
        await self._directory.load_all()
        self._cursors = cursors = Cursors(state)
        rooms = list(self._directory.rooms.values())
        first_time = [r.id for r in rooms if cursors.stored(r.id) is None]
        marks = await self._directory.seen_marks() if first_time else {}
        origins: Counter[Origin] = Counter()
        for room in rooms:
            start, origin = where_to_start(
                cursors.stored(room.id), marks.get(room.id), self.send_read_receipts
            )
            origins[origin] += 1
            if origin is Origin.NOW:
                start = _latest(room.last_message_at, self._directory.server_now)
            cursor = cursors.open(room.id, start)
            changed = room.updated_at is None or start is None or room.updated_at > start
            if origin is not Origin.NOW and changed:
                self._backlog.append(room.id)  # fetched by catch-up, within its limits
                continue
            cursor.fetched_room_update = room.updated_at
            cursor.fetched_message_count = room.message_count
            cursors.save(cursor)
        log_first_starts(origins, self.send_read_receipts)
        self._source = PollingSource(
            directory=self._directory,
            cursors=cursors,
            fetcher=self._fetcher,
            me=self._me,
            to_message=self._to_message,
            after_fetch=self._flush_reads,
            interval=self._interval,
            track_unread=self.send_read_receipts,
        )
        log.info("Rocket.Chat: connected to %s as %s", self._client.server_url, self._me.username)
        return self._me

    async def catch_up(self, limits: CatchUpLimits) -> AsyncIterator[Message]:
        self._catch_up_started = True
        source, cursors = self._require()
        backlog, self._backlog = self._backlog, []
        async with source.lock:
            messages = await collect_backlog(
                rooms=[r for r in map(self._directory.get, backlog) if r is not None],
                cursors=cursors,
                fetcher=self._fetcher,
                source=source,
                limits=limits,
                now=datetime.now(UTC),
                marks_read=self.send_read_receipts,
            )
        for message in messages:
            yield self._recent.remember(message)

    async def listen(self) -> AsyncIterator[Message]:
        source, cursors = self._require()
        if not self._catch_up_started and self._backlog:
            log.info(
                "Rocket.Chat: catch-up is off; not handling the backlog of %d room(s) (what "
                "arrived while the bot was down, or was unread at its first start)%s",
                len(self._backlog),
                COVERED_BY_READ_MARK if self.send_read_receipts else "",
            )
            for room_id in self._backlog:
                room, cursor = self._directory.get(room_id), cursors.get(room_id)
                if room is not None and cursor is not None:
                    cursor.skip_to(_latest(room.last_message_at, self._directory.server_now))
                    cursors.save(cursor)
            self._backlog = []
        self._listening = True
        try:
            async for batch in source.batches():
                for message in batch:
                    yield self._recent.remember(message)
        finally:
            self._listening = False

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._source is not None:
            self._source.stop()
            try:
                await self._flush_now()  # the last acknowledgements before leaving
            except BackendError as exc:
                log.warning("Rocket.Chat: final read marks failed: %s", exc)
        await self._client.close()

    # -- acknowledging --------------------------------------------------------------------------
    async def mark_read(self, messages: Sequence[Message]) -> None:
        source, cursors = self._require()
        touched = {}
        for message in messages:
            cursors.note_acknowledged(message.id)
            cursor = cursors.get(message.conversation.id)
            if cursor is not None:
                cursor.acknowledge([message.id])
                touched[cursor.room_id] = cursor
        for cursor in touched.values():
            cursors.save(cursor)
        if not self.send_read_receipts:
            return
        if not any(c.unread_handled and not c.pending for c in touched.values()):
            return
        if self._listening:
            source.wake()  # the poll loop reads right after a fresh discovery
        else:
            await self._flush_now()

    async def _flush_now(self) -> None:
        source, _ = self._require()
        async with source.lock:
            await source.discover()
            await self._flush_reads()

    async def _flush_reads(self) -> None:
        _, cursors = self._require()
        await self._marker.flush(self._directory, cursors.values())

    # -- sending and looking up -----------------------------------------------------------------
    async def send(self, to: Conversation, text: str) -> str:
        if len(text) > self.max_message_length:
            raise BackendError(
                f"message is {len(text)} characters long; this Rocket.Chat server accepts at "
                f"most {self.max_message_length}: split it"
            )
        extra: dict[str, Any] = {"tmid": to.thread_id} if to.thread_id else {}
        room_id = await self._direct.room_id(to, self.me)
        try:
            result = await self._client.call(
                "chat.postMessage",
                lambda api: api.chat_post_message(text, room_id=room_id, **extra),
                idempotent=False,
            )
        except ApiError as exc:
            raise BackendError(f"could not post to {to.describe()}: {exc.error}") from None
        message = result.get("message") if isinstance(result, dict) else None
        if not isinstance(message, dict) or "_id" not in message:
            raise BackendError("Rocket.Chat chat.postMessage answered without a message id")
        return str(message["_id"])

    async def upload(
        self, to: Conversation, filename: str, data: bytes, content_type: str, text: str
    ) -> str:
        """Post ``text`` with the file attached; returns the message id. ``NotSupported`` when
        uploads are off or the file is over the server's limit."""
        if len(text) > self.max_message_length:
            raise BackendError(
                f"the text of {filename}'s message is {len(text)} characters long; this "
                f"Rocket.Chat server accepts at most {self.max_message_length}"
            )
        room_id = await self._direct.room_id(to, self.me)
        return await self._uploads.post(
            room_id, filename, data, content_type, text=text, thread_id=to.thread_id
        )

    async def fetch_message(self, message_id: str) -> Message:
        seen = self._recent.get(message_id)
        if seen is not None:
            return seen
        try:
            data = await self._client.get("chat.getMessage", msgId=message_id)
        except ApiError:
            raise MessageNotFound(message_id) from None
        raw = data.get("message")
        if not isinstance(raw, dict) or "_id" not in raw:
            raise MessageNotFound(message_id)
        return self._to_message(raw, await self._room(str(raw.get("rid") or "")))

    async def read_receipts(self, message: Message) -> list[Receipt]:
        return await self._status.receipts(message)

    async def members(self, conversation: Conversation) -> list[User]:
        return await self._status.members(conversation)

    async def users(self) -> list[User]:
        return await self._status.users()

    # -- audits ---------------------------------------------------------------------------------
    async def history(self, conversation_name: str, since: datetime) -> list[Message]:
        """Messages of the room called ``conversation_name`` sent at or after ``since``, oldest
        first, thread replies included (``botkit.readstatus.history.HistorySource``)."""
        return await self._history.messages(conversation_name, since)

    async def channel(self, name: str) -> Conversation:
        """The channel or private group called ``name``, to post to."""
        return (await self._history.room(name)).conversation()

    def rate_limit_info(self) -> tuple[int, float] | None:
        """``(remaining, reset_at)`` of the read-receipts route as the server last reported it
        (``X-RateLimit-Remaining``, ``X-RateLimit-Reset`` in Unix seconds), for pacing audits;
        None when it reported none (rate limiting off, or the bot may bypass it) or that window
        is over."""
        window = self._client.rate_window(RECEIPTS_ROUTE)
        if window is None or window.reset_at <= time.time():
            return None
        return window.remaining, window.reset_at

    # -- helpers --------------------------------------------------------------------------------
    def _require(self) -> tuple[PollingSource, Cursors]:
        if self._source is None or self._cursors is None:
            raise BackendError("the Rocket.Chat backend is not connected: call connect() first")
        return self._source, self._cursors

    def _to_message(self, raw: RawMessage, room: RoomInfo) -> Message:
        return to_message(raw, room, self.me, self._client.server_url)

    async def _room(self, room_id: str) -> RoomInfo:
        known = self._directory.get(room_id)
        if known is not None:
            return known
        try:  # a public channel the bot can read without being a member
            data = await self._client.get("rooms.info", roomId=room_id)
            return RoomInfo.from_json(data["room"])
        except (ApiError, KeyError, TypeError):
            return RoomInfo(id=room_id, type="c")


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None
