"""Backend-neutral data: what plugins see, whichever server the bot runs on.

Ids are strings everywhere (Zulip's integers are rendered with ``str``), so plugins never branch
on the backend to compare them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "Conversation",
    "ConversationKind",
    "Message",
    "Receipt",
    "User",
]


@dataclass(frozen=True, slots=True)
class User:
    """A chat account. ``name`` is the display name, ``username`` the handle (Zulip: email)."""

    id: str
    name: str
    username: str = ""
    is_bot: bool = False
    is_active: bool = True


class ConversationKind(enum.StrEnum):
    CHANNEL = "channel"  # Zulip channel (stream) or Rocket.Chat public channel / private group
    DIRECT = "direct"  # one-to-one or group direct message


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a message lives.

    - Zulip channel message: ``id`` = channel id, ``name`` = channel name, ``topic`` = topic.
    - Rocket.Chat room message: ``id`` = room id, ``name`` = room name, ``thread_id`` = tmid
      when the message is a thread reply.
    - Direct message: ``id`` = the backend's id for the DM (Zulip: the participants' ids sorted
      and joined with ","; Rocket.Chat: the DM room id), ``participants`` = user ids.
    """

    kind: ConversationKind
    id: str
    name: str = ""
    topic: str | None = None
    thread_id: str | None = None
    private: bool = False
    participants: tuple[str, ...] = ()

    @classmethod
    def channel(
        cls,
        id: str,
        name: str = "",
        *,
        topic: str | None = None,
        thread_id: str | None = None,
        private: bool = False,
    ) -> Conversation:
        return cls(
            ConversationKind.CHANNEL, id, name, topic=topic, thread_id=thread_id, private=private
        )

    @classmethod
    def direct(cls, id: str, participants: tuple[str, ...] = ()) -> Conversation:
        return cls(ConversationKind.DIRECT, id, private=True, participants=participants)

    @property
    def is_direct(self) -> bool:
        return self.kind is ConversationKind.DIRECT

    def describe(self) -> str:
        """A short human label: ``#general > topic``, ``#room (thread)``, ``direct message``."""
        if self.is_direct:
            return "direct message"
        label = f"#{self.name or self.id}"
        if self.topic is not None:
            label += f" > {self.topic}"
        if self.thread_id is not None:
            label += " (thread)"
        return label


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message as the runtime hands it to plugins.

    ``mentions_bot`` is set by the backend when the bot was @-mentioned; ``raw`` keeps the
    server's own payload for plugins that need more (never compared, never printed).
    """

    id: str
    sender: User
    conversation: Conversation
    text: str
    timestamp: datetime
    link: str = ""
    mentions_bot: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_direct(self) -> bool:
        return self.conversation.is_direct


@dataclass(frozen=True, slots=True)
class Receipt:
    """One reader of a message. ``read_at`` is None where the server does not say (Zulip)."""

    user: User
    read_at: datetime | None = None
