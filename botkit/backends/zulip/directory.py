"""Who is who: the organization's users and the bot's channels, loaded at register and kept fresh
by events, so a read-receipt answer never costs one user lookup per reader.

- ``UserDirectory`` starts from register's ``realm_users`` / ``realm_non_active_users`` /
  ``cross_realm_bots`` and follows ``realm_user`` events (add, update, remove; ``is_active``).
- ``ChannelMembers`` caches GET /streams/{id}/members answers and forgets a channel whenever a
  ``subscription`` event says its membership changed.
- ``Channels`` remembers which of the bot's channels are private (from ``subscriptions``) and
  the id, name and privacy of every channel register listed (subscribed, left or never joined),
  so an audit finds a channel by name without a request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from botkit.models import User

__all__ = ["ChannelInfo", "ChannelMembers", "Channels", "UserDirectory"]


def _user(person: Mapping[str, Any], *, active: bool) -> User:
    return User(
        id=str(person["user_id"]),
        name=str(person.get("full_name", "")),
        username=str(person.get("email", "")),
        is_bot=bool(person.get("is_bot", False)),
        is_active=bool(person.get("is_active", active)),
    )


class UserDirectory:
    def __init__(self) -> None:
        self._users: dict[int, User] = {}

    def load(self, state: Mapping[str, Any]) -> None:
        """Replace everything with a register response's (or GET /users') user lists."""
        users: dict[int, User] = {}
        for key, active in (
            ("cross_realm_bots", True),
            ("realm_non_active_users", False),
            ("realm_users", True),
            ("members", True),  # GET /users
        ):
            for person in state.get(key) or ():
                if isinstance(person, Mapping) and "user_id" in person:
                    users[int(person["user_id"])] = _user(person, active=active)
        if users:
            self._users = users

    def apply(self, event: Mapping[str, Any]) -> None:
        """One ``realm_user`` event."""
        person = event.get("person")
        if not isinstance(person, Mapping) or "user_id" not in person:
            return
        user_id = int(person["user_id"])
        op = event.get("op")
        if op == "add":
            self._users[user_id] = _user(person, active=True)
        elif op == "remove":  # older servers: deactivation
            known = self._users.get(user_id)
            if known is not None:
                self._users[user_id] = dataclasses.replace(known, is_active=False)
        elif op == "update":
            known = self._users.get(user_id)
            if known is None:
                return
            changes: dict[str, Any] = {}
            if "full_name" in person:
                changes["name"] = str(person["full_name"])
            if "email" in person:
                changes["username"] = str(person["email"])
            if "is_active" in person:
                changes["is_active"] = bool(person["is_active"])
            if changes:
                self._users[user_id] = dataclasses.replace(known, **changes)

    def get(self, user_id: int | str) -> User | None:
        try:
            return self._users.get(int(user_id))
        except ValueError:
            return None

    def resolve(self, user_ids: Iterable[int]) -> list[User]:
        """Users for ids; an id the directory does not know becomes a placeholder user."""
        return [self._users.get(i) or User(id=str(i), name=f"user {i}") for i in user_ids]

    def unknown(self, user_ids: Iterable[int]) -> list[int]:
        return [i for i in user_ids if i not in self._users]

    def all(self) -> list[User]:
        return [self._users[i] for i in sorted(self._users)]


def _channel_ids(event: Mapping[str, Any]) -> set[int] | None:
    """Channels a ``subscription`` event touches; None when the event does not say."""
    ids = {int(i) for i in event.get("stream_ids") or ()}
    if "stream_id" in event:
        ids.add(int(event["stream_id"]))
    for sub in event.get("subscriptions") or ():
        if isinstance(sub, Mapping) and "stream_id" in sub:
            ids.add(int(sub["stream_id"]))
    return ids or None


class ChannelMembers:
    def __init__(self) -> None:
        self._members: dict[int, list[int]] = {}

    def get(self, channel_id: int) -> list[int] | None:
        members = self._members.get(channel_id)
        return None if members is None else list(members)

    def put(self, channel_id: int, user_ids: Iterable[int]) -> None:
        self._members[channel_id] = sorted({int(i) for i in user_ids})

    def apply(self, event: Mapping[str, Any]) -> None:
        """One ``subscription`` event: forget every channel whose membership it may change."""
        if event.get("op") not in {"add", "remove", "peer_add", "peer_remove"}:
            return
        touched = _channel_ids(event)
        if touched is None:
            self._members.clear()
            return
        for channel_id in touched:
            self._members.pop(channel_id, None)

    def clear(self) -> None:
        self._members.clear()


@dataclasses.dataclass(frozen=True, slots=True)
class ChannelInfo:
    id: int
    name: str
    private: bool

    @classmethod
    def of(cls, stream: Mapping[str, Any]) -> ChannelInfo | None:
        """From a subscription or stream object; None when it lacks an id or a name."""
        if "stream_id" not in stream or not stream.get("name"):
            return None
        return cls(int(stream["stream_id"]), str(stream["name"]), bool(stream.get("invite_only")))


class Channels:
    """The private flag of the bot's channels (``Conversation.private``), and the channels the
    bot has seen by name."""

    def __init__(self) -> None:
        self.private: set[int] = set()
        self._known: dict[int, ChannelInfo] = {}

    def load(self, state: Mapping[str, Any]) -> None:
        if "subscriptions" in state:
            self.private = set()
            self._known = {}
            self._add(state.get("subscriptions") or ())
            for key in ("unsubscribed", "never_subscribed"):
                for stream in state.get(key) or ():
                    self.remember(stream)

    def apply(self, event: Mapping[str, Any]) -> None:
        if event.get("op") == "add":
            self._add(event.get("subscriptions") or ())

    def remember(self, stream: Mapping[str, Any] | ChannelInfo) -> ChannelInfo | None:
        info = stream if isinstance(stream, ChannelInfo) else ChannelInfo.of(stream)
        if info is not None:
            self._known[info.id] = info
        return info

    def named(self, name: str) -> ChannelInfo | None:
        """A known channel called ``name``: exact, else ignoring case (as Zulip compares)."""
        exact = next((c for c in self._known.values() if c.name == name), None)
        if exact is not None:
            return exact
        folded = name.casefold()
        return next((c for c in self._known.values() if c.name.casefold() == folded), None)

    def _add(self, subscriptions: Iterable[Any]) -> None:
        for sub in subscriptions:
            if isinstance(sub, Mapping) and "stream_id" in sub:
                self.remember(sub)
                if sub.get("invite_only"):
                    self.private.add(int(sub["stream_id"]))
                else:
                    self.private.discard(int(sub["stream_id"]))
