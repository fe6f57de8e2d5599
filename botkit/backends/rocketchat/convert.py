"""Rocket.Chat JSON to botkit's neutral models: rooms, users, messages, timestamps and links.

Pure functions and small value types: no I/O, so everything here is unit-tested without a server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from botkit.models import Conversation, Message, User

__all__ = [
    "RoomInfo",
    "format_ts",
    "is_system_message",
    "mentions_user",
    "message_link",
    "parse_ts",
    "to_message",
    "to_user",
]

#: Room types a bot reads: public channel, private group, direct message.
ROOM_TYPES = frozenset({"c", "p", "d"})


def parse_ts(value: Any) -> datetime | None:
    """A Rocket.Chat date: REST's ISO string (``...Z``) or EJSON's ``{"$date": ms}``."""
    if isinstance(value, Mapping) and "$date" in value:
        value = value["$date"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def format_ts(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and ``Z``, as Rocket.Chat writes dates."""
    # Rocket.Chat stores milliseconds: truncate rather than round so a cursor never moves past a
    # message it names.
    utc = moment.astimezone(UTC)
    utc = utc.replace(microsecond=utc.microsecond // 1000 * 1000)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


ONE_MS = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """What the poller needs to know about one room (from ``rooms.get``)."""

    id: str
    type: str  # "c" | "p" | "d"
    name: str = ""
    updated_at: datetime | None = None
    #: Time of the last main-timeline message. Thread-only replies do not move it.
    last_message_at: datetime | None = None
    #: Message counter; thread-only replies do move it (None if the server does not say).
    message_count: int | None = None
    participants: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, room: Mapping[str, Any]) -> RoomInfo:
        last = room.get("lastMessage")
        last_at = parse_ts(room.get("lm"))
        if last_at is None and isinstance(last, Mapping):
            last_at = parse_ts(last.get("ts"))
        count = room.get("msgs")
        return cls(
            id=str(room["_id"]),
            type=str(room.get("t", "")),
            name=str(room.get("name") or room.get("fname") or ""),
            updated_at=parse_ts(room.get("_updatedAt")),
            last_message_at=last_at,
            message_count=count if isinstance(count, int) else None,
            participants=tuple(str(u) for u in room.get("uids") or ()),
        )

    def conversation(self, thread_id: str | None = None) -> Conversation:
        if self.type == "d":
            return Conversation.direct(self.id, self.participants)
        return Conversation.channel(
            self.id, self.name, thread_id=thread_id, private=self.type == "p"
        )


def to_user(data: Mapping[str, Any]) -> User:
    """A user from a message's ``u``, a member list, ``users.list`` or ``me``."""
    username = str(data.get("username") or "")
    roles = data.get("roles") or ()
    return User(
        id=str(data.get("_id") or ""),
        name=str(data.get("name") or username),
        username=username,
        is_bot="bot" in roles or data.get("type") == "bot",
        is_active=bool(data.get("active", True)),
    )


def is_system_message(raw: Mapping[str, Any]) -> bool:
    """Joins, leaves, topic changes ... carry a type ``t``; chat messages have none."""
    return bool(raw.get("t"))


def mentions_user(raw: Mapping[str, Any], user: User) -> bool:
    """``mentions`` lists the user, or the text holds ``@username`` as a whole word."""
    for mention in raw.get("mentions") or ():
        if isinstance(mention, Mapping) and (
            mention.get("_id") == user.id
            or (user.username and mention.get("username") == user.username)
        ):
            return True
    if not user.username:
        return False
    pattern = rf"(?<![\w@.-])@{re.escape(user.username)}(?![\w.-]*\w)"
    return re.search(pattern, str(raw.get("msg") or "")) is not None


def message_link(server_url: str, room: RoomInfo, message_id: str) -> str:
    """The web client's permalink: ``/channel/<name>``, ``/group/<name>`` or ``/direct/<rid>``."""
    base = server_url.rstrip("/")
    msg = quote(message_id, safe="")
    if room.type == "d" or not room.name:
        return f"{base}/direct/{quote(room.id, safe='')}?msg={msg}"
    kind = "group" if room.type == "p" else "channel"
    return f"{base}/{kind}/{quote(room.name, safe='')}?msg={msg}"


def to_message(raw: Mapping[str, Any], room: RoomInfo, me: User, server_url: str) -> Message:
    """One REST message (``channels.history`` item, ``chat.getMessage``) as a neutral Message."""
    message_id = str(raw["_id"])
    u = raw.get("u")
    sender: Mapping[str, Any] = u if isinstance(u, Mapping) else {}
    timestamp = parse_ts(raw.get("ts")) or datetime.now(UTC)
    thread_id = raw.get("tmid")
    author = to_user(sender)
    if raw.get("bot") and not author.is_bot:  # posted by an integration / bot account
        author = replace(author, is_bot=True)
    return Message(
        id=message_id,
        sender=author,
        conversation=room.conversation(str(thread_id) if thread_id else None),
        text=str(raw.get("msg") or ""),
        timestamp=timestamp,
        link=message_link(server_url, room, message_id),
        mentions_bot=mentions_user(raw, me),
        raw=dict(raw),
    )
