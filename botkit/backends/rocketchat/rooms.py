"""Room discovery: which of the bot's rooms changed, in ONE request (``rooms.get?updatedSince``).

``rooms.get`` lists the rooms the bot is subscribed to; with ``updatedSince`` only those whose
``_updatedAt`` moved (a new message, a thread reply, a new member, a new DM with the bot ...).
When nothing happens the answer is empty, so idle polling costs one request per interval.

``updatedSince`` follows the server's clock, never ours: it is the answer's ``Date`` header minus
``OVERLAP`` (an update committed a moment late with an earlier ``_updatedAt`` is still seen; a room
reported twice costs nothing, the poller compares it with what it already fetched).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.convert import ROOM_TYPES, RoomInfo, format_ts, parse_ts
from botkit.backends.rocketchat.cursors import OVERLAP

__all__ = ["RoomDirectory", "SeenMarks"]

log = logging.getLogger("botkit.backends.rocketchat")


@dataclass(frozen=True, slots=True)
class SeenMarks:
    """How far the bot's account has read a room, as the server keeps it in the subscription."""

    #: ``ls``: the last time the account read the room (absent until it first does).
    last_seen: datetime | None = None
    #: ``ts``: when the account joined the room.
    joined: datetime | None = None

    @classmethod
    def from_json(cls, subscription: Mapping[str, Any]) -> SeenMarks:
        return cls(parse_ts(subscription.get("ls")), parse_ts(subscription.get("ts")))

    @property
    def read_from(self) -> datetime | None:
        """Everything after this is unread for the account (Rocket.Chat's own rule: ``ls``, else
        ``ts``, is where a room read starts storing receipts)."""
        return self.last_seen or self.joined


class RoomDirectory:
    """The bot's rooms as last reported by the server, and the point to ask again from."""

    def __init__(self, client: RocketChatClient) -> None:
        self._client = client
        self.rooms: dict[str, RoomInfo] = {}
        #: Server time from which the next refresh asks for changes.
        self.since: datetime | None = None
        #: The server's clock at the last answer (``Date`` header, whole seconds).
        self.server_now: datetime | None = None

    def get(self, room_id: str) -> RoomInfo | None:
        return self.rooms.get(room_id)

    async def load_all(self) -> None:
        """Every room the bot is in (at connect)."""
        data, date = await self._client.get_with_date("rooms.get")
        self.rooms = {}
        self._merge(data, date)
        log.info("Rocket.Chat: the bot is in %d rooms", len(self.rooms))

    async def refresh(self) -> tuple[list[RoomInfo], datetime | None]:
        """Ask what changed since the last refresh. Returns the rooms not known before, and the
        ``since`` this refresh used (a new room's messages after it are new to the bot)."""
        since = self.since
        params = {} if since is None else {"updatedSince": format_ts(since)}
        data, date = await self._client.get_with_date("rooms.get", **params)
        new_rooms = self._merge(data, date)
        return new_rooms, since

    async def joined_at(self, room_id: str) -> datetime | None:
        """Where the bot's reading of a room it just joined starts: its subscription's last-seen
        time (``ls``), else when it joined (``ts``); None if unknown. One request, made only for
        a room that appears while the bot runs."""
        try:
            data = await self._client.get("subscriptions.getOne", roomId=room_id)
        except ApiError as exc:
            log.debug("Rocket.Chat: no subscription details for room %s: %s", room_id, exc)
            return None
        subscription = data.get("subscription")
        if not isinstance(subscription, dict):
            return None
        return SeenMarks.from_json(subscription).read_from

    async def seen_marks(self) -> dict[str, SeenMarks]:
        """Every subscription's last-seen and join times by room id (one ``subscriptions.get``),
        for rooms the bot has no cursor for yet. Empty when the server will not say."""
        try:
            data = await self._client.get("subscriptions.get")
        except ApiError as exc:
            log.warning("Rocket.Chat: could not list the bot's subscriptions: %s", exc)
            return {}
        update = data.get("update")
        return {
            str(item["rid"]): SeenMarks.from_json(item)
            for item in (update if isinstance(update, list) else ())
            if isinstance(item, dict) and "rid" in item
        }

    def _merge(self, data: dict[str, object], date: datetime | None) -> list[RoomInfo]:
        new_rooms: list[RoomInfo] = []
        newest = self.since
        update = data.get("update")
        for item in update if isinstance(update, list) else ():
            if not isinstance(item, dict) or "_id" not in item or item.get("t") not in ROOM_TYPES:
                continue
            room = RoomInfo.from_json(item)
            if room.id not in self.rooms:
                new_rooms.append(room)
            self.rooms[room.id] = room
            if room.updated_at is not None and (newest is None or room.updated_at > newest):
                newest = room.updated_at
        removed = data.get("remove")
        for item in removed if isinstance(removed, list) else ():
            if isinstance(item, dict) and "_id" in item:
                self.rooms.pop(str(item["_id"]), None)
        if date is not None:
            self.server_now = date
        candidate = date - OVERLAP if date is not None else newest
        if candidate is not None and (self.since is None or candidate > self.since):
            self.since = candidate
        return new_rooms
