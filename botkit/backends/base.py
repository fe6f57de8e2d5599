"""The Backend protocol: the whole contract between the runtime and a chat server.

A backend turns one server's protocol into backend-neutral ``Message``s and back. It owns nothing
of delivery: the runtime dedupes, dispatches, retries and decides what is acknowledged; the backend
only says how an acknowledgement (``mark_read``) maps onto its server, and what
``send_read_receipts`` means there.

Lifecycle, driven by the runtime::

    me = await backend.connect(state)        # authenticate, register queues / cursors
    async for m in backend.catch_up(limits):  # what arrived while the bot was down, oldest first
        ...
    async for m in backend.listen():          # live messages until close(); never the bot's own
        ...
    await backend.mark_read([m, ...])         # batches of handled messages
    await backend.close()

Every call may raise ``AuthError`` (stop the bot), ``RateLimited`` (already waited out inside the
backend where it could be; raised only when a caller-visible deadline would pass) or
``ServerUnavailable``. Read-status calls raise the ``ReadStatusError`` family.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, runtime_checkable

from botkit.models import Conversation, Message, Receipt, User
from botkit.types import KeyValue

__all__ = ["Backend", "CatchUpLimits"]


@dataclass(frozen=True, slots=True)
class CatchUpLimits:
    """How far back catch-up reaches. What falls outside is logged by the backend, never silently
    dropped."""

    max_messages: int = 1000
    max_age: timedelta | None = timedelta(days=1)


@runtime_checkable
class Backend(Protocol):
    #: "zulip", "rocketchat" or "memory"; also the namespace of handled ids in the store.
    name: str
    #: Longest message the server accepts, in characters (plugins split longer replies).
    max_message_length: int

    async def connect(self, state: KeyValue) -> User:
        """Authenticate and get ready to receive. ``state`` is a persistent key-value namespace
        private to this backend (cursors). Returns the bot's own user."""
        ...

    def catch_up(self, limits: CatchUpLimits) -> AsyncIterator[Message]:
        """Messages that arrived while the bot was down, oldest first. Called once, after
        ``connect`` (which has already registered for live events, so nothing falls in the gap)."""
        ...

    def listen(self) -> AsyncIterator[Message]:
        """Live messages the bot should handle, until ``close()``. May repeat a message after a
        reconnect (the runtime dedupes). Never yields the bot's own messages."""
        ...

    async def send(self, to: Conversation, text: str) -> str:
        """Post ``text`` (Markdown) and return the new message's id."""
        ...

    async def mark_read(self, messages: Sequence[Message]) -> None:
        """Acknowledge handled messages as the server allows (one request per batch on Zulip, one
        per room on Rocket.Chat), honouring ``send_read_receipts``."""
        ...

    async def fetch_message(self, message_id: str) -> Message:
        """One message by id, as the bot sees it. Raises ``MessageNotFound``."""
        ...

    async def read_receipts(self, message: Message) -> list[Receipt]:
        """Who has read ``message``, the sender left out."""
        ...

    async def members(self, conversation: Conversation) -> list[User]:
        """Everyone who can read the conversation (channel subscribers, room members, DM
        participants), cached where the server allows."""
        ...

    async def users(self) -> list[User]:
        """The organization's user directory (cached)."""
        ...

    async def close(self) -> None:
        """Stop listening and release connections. Safe to call twice."""
        ...
