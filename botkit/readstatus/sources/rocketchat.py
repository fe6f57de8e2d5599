"""Channel history on Rocket.Chat: ``rooms.info`` by name, then ``channels.history`` /
``groups.history`` (newest first, paged by the client) back to the window's start."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from datetime import datetime
from typing import Any

from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from botkit.backends.rocketchat.convert import (
    RoomInfo,
    format_ts,
    is_system_message,
    to_message,
    to_user,
)
from botkit.config.schema import RocketChatSection
from botkit.errors import BackendError
from botkit.models import Conversation, Message, User

__all__ = ["RocketChatHistory"]

#: Messages read per audit at most (the client pages 50 at a time).
MAX_MESSAGES = 20_000


class RocketChatHistory:
    def __init__(self, section: RocketChatSection) -> None:
        self._section = section
        self._api: RocketChat | None = None
        self._me: User | None = None
        self._server_url = (section.server_url or "").rstrip("/")

    def _client(self) -> RocketChat:
        if self._api is None:
            section = self._section
            common: dict[str, Any] = {"server_url": self._server_url, "timeout": section.timeout}
            if section.auth_token is not None:
                self._api = RocketChat(
                    auth_token=section.auth_token.get_secret_value(),
                    user_id=section.user_id,
                    **common,
                )
            else:
                password = section.password.get_secret_value() if section.password else None
                self._api = RocketChat(section.username, password, **common)
            self._me = to_user(self._api.me())
        return self._api

    def _room(self, name: str) -> RoomInfo:
        try:
            data = self._client().rooms_info(room_name=name.removeprefix("#"))
        except RocketApiException as exc:
            raise BackendError(f"no Rocket.Chat room named {name!r} ({exc.error})") from None
        room = data.get("room") if isinstance(data, dict) else None
        if not isinstance(room, dict) or "_id" not in room:
            raise BackendError(f"no Rocket.Chat room named {name!r}")
        return RoomInfo.from_json(room)

    def _users(self) -> dict[str, User]:
        try:
            listed = list(itertools.islice(self._client().users_list(), MAX_MESSAGES))
        except RocketApiException:
            return {}  # names still come with each message; only is_bot is lost
        users = [to_user(u) for u in listed if isinstance(u, dict)]
        return {u.id: u for u in users}

    async def channel(self, name: str) -> Conversation:
        return (await asyncio.to_thread(self._room, name)).conversation()

    async def history(self, conversation_name: str, since: datetime) -> list[Message]:
        return await asyncio.to_thread(self._history, conversation_name, since)

    def _history(self, name: str, since: datetime) -> list[Message]:
        room = self._room(name)
        api = self._client()
        listing = api.groups_history if room.type == "p" else api.channels_history
        try:
            pages = listing(room.id, oldest=format_ts(since), showThreadMessages=True)
            raw = list(itertools.islice(pages, MAX_MESSAGES))
        except RocketApiException as exc:
            raise BackendError(f"cannot read the history of #{name}: {exc.error}") from None
        assert self._me is not None
        people = self._users()
        messages = []
        for item in raw:
            if not isinstance(item, dict) or is_system_message(item):
                continue
            message = to_message(item, room, self._me, self._server_url)
            known = people.get(message.sender.id)  # messages carry no roles: is_bot is here
            messages.append(replace(message, sender=known) if known else message)
        return sorted(
            (m for m in messages if m.timestamp >= since), key=lambda m: (m.timestamp, m.id)
        )
