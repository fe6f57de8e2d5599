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
from datetime import datetime

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.convert import ROOM_TYPES, RoomInfo, format_ts, parse_ts
from botkit.backends.rocketchat.cursors import OVERLAP

__all__ = ["RoomDirectory"]

log = logging.getLogger("botkit.backends.rocketchat")


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
        """When the bot joined the room (its subscription's ``ts``); None if unknown. One request,
        made only for a room that appears while the bot runs."""
        try:
            data = await self._client.get("subscriptions.getOne", roomId=room_id)
        except ApiError as exc:
            log.debug("Rocket.Chat: no subscription details for room %s: %s", room_id, exc)
            return None
        subscription = data.get("subscription")
        return parse_ts(subscription.get("ts")) if isinstance(subscription, dict) else None

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
