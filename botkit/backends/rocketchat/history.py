"""A room's recent messages by room name: what read audits list (``HistorySource``).

The room is looked up among the bot's rooms (no request), else with ``rooms.info?roomName=`` (a
public channel the bot can read without being in it). Its messages come from the poller's
``RoomFetcher`` (``<type>.history`` with ``oldest``, ``showThreadMessages=true``, paged with
count/offset), at most ``MAX_MESSAGES`` of them, newest kept. System messages (joins, topic
changes ...) are left out; senders' ``is_bot`` comes from the user directory, since messages carry
no roles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.convert import RoomInfo, is_system_message
from botkit.backends.rocketchat.poller import RawMessage, RoomFetcher
from botkit.backends.rocketchat.readstatus import ReadStatus
from botkit.backends.rocketchat.rooms import RoomDirectory
from botkit.errors import BackendError
from botkit.models import Message

__all__ = ["MAX_MESSAGES", "RoomHistory"]

log = logging.getLogger("botkit.backends.rocketchat")

#: Messages listed per call at most (the newest ones): an audit's upper bound.
MAX_MESSAGES = 20_000


class RoomHistory:
    """Finds rooms by name and lists their messages since a moment."""

    def __init__(
        self,
        client: RocketChatClient,
        directory: RoomDirectory,
        fetcher: RoomFetcher,
        status: ReadStatus,
        to_message: Callable[[RawMessage, RoomInfo], Message],
    ) -> None:
        self._client = client
        self._directory = directory
        self._fetcher = fetcher
        self._status = status
        self._to_message = to_message

    async def room(self, name: str) -> RoomInfo:
        """The channel or private group called ``name`` (``#`` optional) that the bot can read;
        ``BackendError`` naming it otherwise."""
        wanted = name.strip().removeprefix("#")
        if not wanted:
            raise BackendError("a Rocket.Chat room name is needed, got an empty one")
        found = self._known(wanted)
        if found is not None:
            return found
        unknown = f"no Rocket.Chat room named {name!r} that the bot can read"
        try:  # a public channel the bot is not in
            data = await self._client.get("rooms.info", roomName=wanted)
        except ApiError:
            raise BackendError(unknown) from None
        room = data.get("room")
        if not isinstance(room, dict) or "_id" not in room or room.get("t") not in ("c", "p"):
            raise BackendError(unknown)
        return RoomInfo.from_json(room)

    def _known(self, name: str) -> RoomInfo | None:
        """One of the bot's channels or groups by name: exact, else ignoring case."""
        named = [r for r in self._directory.rooms.values() if r.type in ("c", "p") and r.name]
        exact = next((r for r in named if r.name == name), None)
        if exact is not None:
            return exact
        return next((r for r in named if r.name.casefold() == name.casefold()), None)

    async def messages(self, name: str, since: datetime) -> list[Message]:
        """Messages of room ``name`` sent at or after ``since``, oldest first, thread replies
        included, system messages left out."""
        room = await self.room(name)
        try:
            raws, truncated = await self._fetcher.fetch(room, since, limit=MAX_MESSAGES)
        except ApiError as exc:
            raise BackendError(f"cannot read the history of #{room.name}: {exc.error}") from None
        if truncated:
            log.warning(
                "Rocket.Chat: #%s has more than %d messages since %s; listing the newest only",
                room.name,
                MAX_MESSAGES,
                since.isoformat(timespec="seconds"),
            )
        messages = [self._to_message(raw, room) for raw in raws if not is_system_message(raw)]
        senders = {u.id: u for u in await self._status.with_roles(m.sender for m in messages)}
        return sorted(
            (
                replace(m, sender=senders.get(m.sender.id, m.sender))
                for m in messages
                if m.timestamp >= since
            ),
            key=lambda m: (m.timestamp, m.id),
        )
