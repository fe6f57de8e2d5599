"""The records of the local Zulip server: users, channels, messages, and UserMessage flag bits.

UserMessage flags are kept as bit masks, in the bit order of Zulip's ``UserMessage.flags`` so that
flag lists come out in the same order as a real server's (``["read", "mentioned"]``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "EDITABLE_FLAGS",
    "FLAG_BITS",
    "HISTORICAL",
    "INTERNAL_FLAGS",
    "MENTIONED",
    "NON_EDITABLE_FLAGS",
    "READ",
    "ROLE_ADMIN",
    "ROLE_GUEST",
    "ROLE_MEMBER",
    "ROLE_OWNER",
    "STARRED",
    "STREAM_WILDCARD",
    "TOPIC_WILDCARD",
    "Channel",
    "Message",
    "ZUser",
    "flag_list",
]

#: Zulip's UserMessage flag names in bit order (the two internal ones last).
_FLAG_NAMES = (
    "read",
    "starred",
    "collapsed",
    "mentioned",
    "stream_wildcard_mentioned",
    "topic_wildcard_mentioned",
    "group_mentioned",
    "force_expand",
    "force_collapse",
    "has_alert_word",
    "historical",
    "is_private",
    "active_mobile_push_notification",
)
FLAG_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(_FLAG_NAMES)}
READ = FLAG_BITS["read"]
STARRED = FLAG_BITS["starred"]
MENTIONED = FLAG_BITS["mentioned"]
STREAM_WILDCARD = FLAG_BITS["stream_wildcard_mentioned"]
TOPIC_WILDCARD = FLAG_BITS["topic_wildcard_mentioned"]
HISTORICAL = FLAG_BITS["historical"]
#: Flags the API never shows and never accepts ("Invalid flag").
INTERNAL_FLAGS = frozenset({"is_private", "active_mobile_push_notification"})
#: Flags the API shows but refuses to change ("Flag not editable").
NON_EDITABLE_FLAGS = frozenset(
    {
        "mentioned",
        "stream_wildcard_mentioned",
        "topic_wildcard_mentioned",
        "group_mentioned",
        "has_alert_word",
        "historical",
        "force_expand",
        "force_collapse",
    }
)
EDITABLE_FLAGS = frozenset(FLAG_BITS) - INTERNAL_FLAGS - NON_EDITABLE_FLAGS

ROLE_OWNER, ROLE_ADMIN, ROLE_MEMBER, ROLE_GUEST = 100, 200, 400, 600

_flag_list_cache: dict[int, list[str]] = {}


def flag_list(bits: int) -> list[str]:
    """The API flag list of a bit mask, plus the deprecated ``wildcard_mentioned`` alias that
    real servers still add. Returns a fresh list (callers may keep it)."""
    cached = _flag_list_cache.get(bits)
    if cached is None:
        cached = [name for name in _FLAG_NAMES if bits & FLAG_BITS[name]]
        cached = [name for name in cached if name not in INTERNAL_FLAGS]
        if bits & (STREAM_WILDCARD | TOPIC_WILDCARD):
            cached.append("wildcard_mentioned")
        _flag_list_cache[bits] = cached
    return list(cached)


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M+00:00")


@dataclass(eq=False)
class ZUser:
    """An account. ``email`` is the login (delivery) email used for HTTP Basic auth."""

    id: int
    email: str
    full_name: str
    api_key: str = field(repr=False)
    is_bot: bool = False
    is_active: bool = True
    role: int = ROLE_MEMBER
    bot_owner_id: int | None = None
    send_read_receipts: bool = True
    timezone: str = ""
    date_joined: str = field(default_factory=_now_iso)
    #: user_settings values changed from the defaults (through PATCH /settings).
    settings: dict[str, Any] = field(default_factory=dict)
    #: Stream ids the user was subscribed to once and left (register's ``unsubscribed``).
    left_channels: set[int] = field(default_factory=set)

    @property
    def is_admin(self) -> bool:
        return self.role <= ROLE_ADMIN

    @property
    def is_guest(self) -> bool:
        return self.role == ROLE_GUEST


@dataclass(eq=False)
class Channel:
    id: int
    name: str
    description: str = ""
    invite_only: bool = False
    history_public_to_subscribers: bool = True
    creator_id: int | None = None
    subscribers: set[int] = field(default_factory=set)
    #: Every message id of the channel, ascending (the index narrows use).
    message_ids: list[int] = field(default_factory=list)
    #: Lower-cased topic name -> ids of users who posted there (``@**topic**`` mentions).
    topic_senders: dict[str, set[int]] = field(default_factory=dict)
    date_created: int = field(default_factory=lambda: int(time.time()))
    color: str = "#76ce90"

    @property
    def recipient_id(self) -> int:
        return 100_000 + self.id

    @property
    def is_public(self) -> bool:
        return not self.invite_only


@dataclass(eq=False)
class Message:
    id: int
    sender_id: int
    content: str
    timestamp: int
    client: str
    recipient_id: int
    #: "stream" or "private" (the API's names in message objects).
    type: str
    channel_id: int | None = None
    topic: str = ""
    #: Every participant of a direct message, sender included, ascending.
    dm_user_ids: tuple[int, ...] = ()
    rendered: str = ""
    #: JSON text of the message object as events carry it, keyed by apply_markdown (built once).
    event_json: dict[bool, str] = field(default_factory=dict)
