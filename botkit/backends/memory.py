"""A chat server that lives in memory: the Backend protocol plus controls for tests and demos.

The model is a tiny server: users, channels with members, direct conversations, messages, and
who has read what. The bot is one of the users (``backend.bot_user``).

- ``inject(...)`` posts a message as someone else and delivers it live to ``listen()``; it
  delivers exactly what it is given, even a message "from" the bot itself, so tests can check the
  runtime's own-message guard.
- ``inject_offline(...)`` posts a message without live delivery; ``catch_up()`` returns it, like
  every message the bot can see and has not marked read (Zulip's ``first_unread`` model).
- ``redeliver(message)`` hands an already delivered message to ``listen()`` again, as a real
  backend may after a reconnect.
- ``send()`` records ``(conversation, text)`` in ``sent``; ``mark_read()`` records each batch of
  ids in ``marked_read`` and counts calls in ``mark_read_calls``.
- ``upload()`` attaches a file (it is an uploader, like the Zulip and Rocket.Chat backends): the
  file lands in ``uploads``, its message in ``sent``. ``uploads_enabled = False`` or a smaller
  ``max_upload_bytes`` make it refuse with ``NotSupported``, as a server would.
- ``fail_next(op, exc, times=1)`` makes the next call(s) of ``op`` raise ``exc``;
  ``clear_failures()`` forgets them.

The backend can be closed and connected again, keeping its state: a bot restarted against the same
``MemoryBackend`` sees the same "server".
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from botkit.backends.base import CatchUpLimits
from botkit.config import Settings
from botkit.errors import BackendError, MessageNotFound, NotSupported
from botkit.models import Conversation, Message, Receipt, User
from botkit.types import KeyValue

__all__ = ["MemoryBackend", "Upload"]

_OPERATIONS = frozenset(
    {"connect", "catch_up", "listen", "send", "upload", "mark_read", "fetch_message"}
    | {"read_receipts", "members", "users", "close"}
)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file ``upload()`` attached, and the message that carries it."""

    to: Conversation
    filename: str
    data: bytes
    content_type: str
    message_id: str


class MemoryBackend:
    name = "memory"
    max_message_length = 10000

    def __init__(self, settings: Settings | None = None) -> None:
        bot_name = settings.bot.name if settings is not None else "botkit"
        receipts = settings.bot.send_read_receipts if settings is not None else None
        #: None behaves like true, as on Rocket.Chat (there is no account setting to follow).
        self.send_read_receipts = receipts is not False
        self._ids = itertools.count(1)
        self._users: dict[str, User] = {}
        self._channels: dict[str, Conversation] = {}
        self._channel_members: dict[str, list[str]] = {}
        self._messages: dict[str, Message] = {}
        self._reads: dict[str, dict[str, datetime]] = {}  # message id -> user id -> when
        self._bot_read: set[str] = set()  # the bot's own "read" flags (also when receipts hidden)
        self._receipt_overrides: dict[str, list[Receipt]] = {}
        self._failures: dict[str, list[BaseException]] = {}
        self._live: asyncio.Queue[Message | None] = asyncio.Queue()
        self._closed = False
        self.bot_user = self.add_user(bot_name, username=f"{bot_name}-bot", is_bot=True)
        self.connected = False
        self.connect_calls = 0
        self.state: KeyValue | None = None
        self.sent: list[tuple[Conversation, str]] = []
        self.uploads: list[Upload] = []
        self.uploads_enabled = True
        self.max_upload_bytes = 10 * 1024 * 1024
        self.marked_read: list[list[str]] = []
        self.mark_read_calls = 0

    # ---- test controls -------------------------------------------------------------------

    def add_user(
        self, name: str, *, username: str | None = None, is_bot: bool = False, active: bool = True
    ) -> User:
        user = User(
            id=f"u{next(self._ids)}",
            name=name,
            username=username or name.lower().replace(" ", "."),
            is_bot=is_bot,
            is_active=active,
        )
        self._users[user.id] = user
        return user

    def add_channel(
        self,
        name: str,
        members: Iterable[User],
        private: bool = False,
        *,
        topic: str | None = None,
        with_bot: bool = True,
    ) -> Conversation:
        """A channel whose members are ``members`` (plus the bot unless ``with_bot=False``)."""
        conversation = Conversation.channel(
            f"c{next(self._ids)}", name, topic=topic, private=private
        )
        ids = [u.id for u in members]
        if with_bot and self.bot_user.id not in ids:
            ids.append(self.bot_user.id)
        self._channels[conversation.id] = conversation
        self._channel_members[conversation.id] = ids
        return conversation

    def direct(self, a: User, b: User, *others: User) -> Conversation:
        """The direct conversation of these users (Zulip style id: sorted user ids)."""
        participants = tuple(sorted({u.id for u in (a, b, *others)}))
        return Conversation.direct(",".join(participants), participants)

    def inject(
        self,
        text: str,
        sender: User,
        conversation: Conversation,
        *,
        mentions_bot: bool = False,
        at: datetime | None = None,
    ) -> Message:
        """Post a message and deliver it live (if the bot is connected)."""
        message = self._post(text, sender, conversation, mentions_bot=mentions_bot, at=at)
        if not self._closed:
            self._live.put_nowait(message)
        return message

    def inject_offline(
        self,
        text: str,
        sender: User,
        conversation: Conversation,
        *,
        mentions_bot: bool = False,
        at: datetime | None = None,
    ) -> Message:
        """Post a message that only ``catch_up()`` will return (it arrived while the bot was
        away)."""
        return self._post(text, sender, conversation, mentions_bot=mentions_bot, at=at)

    def redeliver(self, message: Message) -> None:
        """Deliver an already posted message live once more (a reconnect replay)."""
        self._live.put_nowait(message)

    def read(self, user: User, message: Message, at: datetime | None = None) -> None:
        """``user`` reads ``message`` (shows up in ``read_receipts``)."""
        self._reads.setdefault(message.id, {})[user.id] = at or datetime.now(UTC)

    def set_receipts(self, message_id: str, receipts: Sequence[Receipt]) -> None:
        """Answer ``read_receipts`` for this message with exactly ``receipts``."""
        self._receipt_overrides[message_id] = list(receipts)

    def fail_next(self, op: str, exc: BaseException, *, times: int = 1) -> None:
        """The next ``times`` calls of ``op`` (a Backend method name) raise ``exc``."""
        if op not in _OPERATIONS:
            raise ValueError(f"unknown operation {op!r}; use one of {sorted(_OPERATIONS)}")
        self._failures.setdefault(op, []).extend([exc] * times)

    def clear_failures(self) -> None:
        """Forget the failures ``fail_next`` queued (the server recovered)."""
        self._failures.clear()

    def is_read_by_bot(self, message_id: str) -> bool:
        return message_id in self._bot_read

    def describe_read_state(self) -> str:
        if self.send_read_receipts:
            return "others see the bot's read receipts (send_read_receipts on)"
        return "the bot marks messages read, but others do not see it (send_read_receipts off)"

    # ---- the Backend protocol ------------------------------------------------------------

    async def connect(self, state: KeyValue) -> User:
        self._maybe_fail("connect")
        if self._closed:  # reconnect after close(): a fresh event queue, as on a real server
            self._live = asyncio.Queue()
            self._closed = False
        self.state = state
        self.connected = True
        self.connect_calls += 1
        return self.bot_user

    async def catch_up(self, limits: CatchUpLimits) -> AsyncIterator[Message]:
        self._maybe_fail("catch_up")
        now = datetime.now(UTC)
        unread = [
            m
            for m in self._messages.values()
            if m.id not in self._bot_read and m.sender.id != self.bot_user.id and self._visible(m)
        ]
        if limits.max_age is not None:
            unread = [m for m in unread if now - m.timestamp <= limits.max_age]
        for message in unread[: limits.max_messages]:
            yield message

    async def listen(self) -> AsyncIterator[Message]:
        self._maybe_fail("listen")
        queue = self._live
        while not self._closed:
            message = await queue.get()
            if message is None or self._closed:
                return
            yield message

    async def send(self, to: Conversation, text: str) -> str:
        self._maybe_fail("send")
        if len(text) > self.max_message_length:
            raise BackendError(
                f"message of {len(text)} characters is longer than the server's limit of "
                f"{self.max_message_length}"
            )
        self.sent.append((to, text))
        return self._post(text, self.bot_user, to, mentions_bot=False, at=None).id

    async def upload(
        self, to: Conversation, filename: str, data: bytes, content_type: str, text: str
    ) -> str:
        self._maybe_fail("upload")
        if not self.uploads_enabled:
            raise NotSupported("file uploads are turned off on this server")
        if len(data) > self.max_upload_bytes:
            raise NotSupported(f"{filename} is larger than the upload limit")
        text = f"{text}\n[{filename}](memory://upload/{len(self.uploads) + 1})"
        message_id = await self.send(to, text)
        self.uploads.append(Upload(to, filename, data, content_type, message_id))
        return message_id

    async def mark_read(self, messages: Sequence[Message]) -> None:
        self._maybe_fail("mark_read")
        self.mark_read_calls += 1
        self.marked_read.append([m.id for m in messages])
        now = datetime.now(UTC)
        for message in messages:
            self._bot_read.add(message.id)
            if self.send_read_receipts:
                self._reads.setdefault(message.id, {}).setdefault(self.bot_user.id, now)

    async def fetch_message(self, message_id: str) -> Message:
        self._maybe_fail("fetch_message")
        return self._visible_message(message_id)

    async def read_receipts(self, message: Message) -> list[Receipt]:
        self._maybe_fail("read_receipts")
        known = self._visible_message(message.id)
        if message.id in self._receipt_overrides:
            return list(self._receipt_overrides[message.id])
        reads = sorted(self._reads.get(message.id, {}).items(), key=lambda item: item[1])
        return [
            Receipt(self._users[user_id], at) for user_id, at in reads if user_id != known.sender.id
        ]

    async def members(self, conversation: Conversation) -> list[User]:
        self._maybe_fail("members")
        if conversation.is_direct:
            ids: Sequence[str] = conversation.participants
        elif conversation.id in self._channel_members:
            ids = self._channel_members[conversation.id]
        else:
            raise BackendError(f"unknown conversation {conversation.describe()}")
        return [self._users[i] for i in ids if i in self._users]

    async def users(self) -> list[User]:
        self._maybe_fail("users")
        return list(self._users.values())

    async def close(self) -> None:
        self._maybe_fail("close")
        if not self._closed:
            self._closed = True
            self._live.put_nowait(None)  # wakes a listen() parked on the queue
        self.connected = False

    # ---- internals -----------------------------------------------------------------------

    def _post(
        self,
        text: str,
        sender: User,
        conversation: Conversation,
        *,
        mentions_bot: bool,
        at: datetime | None,
    ) -> Message:
        message_id = str(next(self._ids))
        message = Message(
            id=message_id,
            sender=sender,
            conversation=conversation,
            text=text,
            timestamp=at or datetime.now(UTC),
            link=f"memory://message/{message_id}",
            mentions_bot=mentions_bot,
        )
        self._messages[message_id] = message
        return message

    def _visible(self, message: Message) -> bool:
        conversation = message.conversation
        if conversation.is_direct:
            return self.bot_user.id in conversation.participants
        return self.bot_user.id in self._channel_members.get(conversation.id, ())

    def _visible_message(self, message_id: str) -> Message:
        message = self._messages.get(message_id)
        if message is None or not self._visible(message):
            raise MessageNotFound(message_id)
        return message

    def _maybe_fail(self, op: str) -> None:
        pending = self._failures.get(op)
        if pending:
            raise pending.pop(0)
