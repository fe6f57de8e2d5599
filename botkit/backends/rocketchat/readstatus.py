"""Who read what on Rocket.Chat: receipts, room members, the user directory, receipt settings.

Member lists carry no roles, so ``is_bot`` (and ``is_active``) come from the user directory
(``users.list``, cached five minutes) for everyone it lists.

Read receipts are a premium (Enterprise) feature of Rocket.Chat:

- without the licence module ``chat.getMessageReadReceipts`` answers 400
  ``error-action-not-allowed`` -> ``ReceiptsDisabled`` with the licence reason;
- with the licence but ``Message_Read_Receipt_Enabled`` or ``..._Store_Users`` off it answers
  ``receipts: []`` (nothing is stored, not even the sender's own receipt). An empty list is
  therefore checked against the public settings (``settings.public``): off ->
  ``ReceiptsDisabled``, on -> ``[]``; when the server does not say, ``ReceiptsDisabled`` with a
  reason that says what is likely.

The sender always has a receipt (stored at send time); it is left out, as on Zulip. Unknown
message and no access both answer ``MessageNotFound`` (deliberately the same).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.convert import parse_ts, to_user
from botkit.backends.rocketchat.poller import MAX_PAGES, PAGE
from botkit.backends.rocketchat.rooms import RoomDirectory
from botkit.errors import MessageNotFound, ReceiptsDisabled
from botkit.models import Conversation, Message, Receipt, User

__all__ = ["LICENCE_REASON", "ReadStatus", "ReceiptsState", "TtlCache"]

log = logging.getLogger("botkit.backends.rocketchat")

LICENCE_REASON = (
    "read receipts are a Rocket.Chat premium (Enterprise) feature: this server's licence does "
    "not include them"
)
SETTINGS_REASON = (
    "read receipts are turned off on this Rocket.Chat server (Administration > Settings > "
    "Message > Read Receipts: 'Show read receipts' and 'Detailed read receipts' must be on)"
)
UNKNOWN_REASON = (
    "this Rocket.Chat server recorded no read receipt for this message, not even the sender's: "
    "read receipts ('Show read receipts' and 'Detailed read receipts') are probably off, or the "
    "message predates them"
)
SETTING_IDS = (
    "Message_MaxAllowedSize",
    "Message_Read_Receipt_Enabled",
    "Message_Read_Receipt_Store_Users",
)
#: "Invalid message", "Invalid room" (no access: the same answer on purpose), "Not allowed".
_NOT_FOUND_CODES = ("error-invalid-message", "error-invalid-room", "error-not-allowed")
MEMBERS_TTL = 30.0
USERS_TTL = 300.0
SETTINGS_TTL = 60.0

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """A tiny cache whose entries expire ``ttl`` seconds after they were stored."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None or self._clock() - entry[0] > self.ttl:
            return None
        return entry[1]

    def put(self, key: K, value: V) -> V:
        self._entries[key] = (self._clock(), value)
        return value


@dataclass(frozen=True, slots=True)
class ReceiptsState:
    """The server's public receipt settings; None where it did not say."""

    enabled: bool | None = None
    store_users: bool | None = None
    max_message_size: int | None = None

    @property
    def problem(self) -> str | None:
        """Why receipts cannot be listed, or None (on, or unknown)."""
        if self.enabled is False or self.store_users is False:
            return SETTINGS_REASON
        return None


class ReadStatus:
    """Receipts, members and users of one server, with short-lived caches."""

    def __init__(self, client: RocketChatClient, directory: RoomDirectory) -> None:
        self._client = client
        self._directory = directory
        self._members: TtlCache[str, list[User]] = TtlCache(MEMBERS_TTL)
        self._users: TtlCache[str, list[User]] = TtlCache(USERS_TTL)
        self._settings: TtlCache[str, ReceiptsState] = TtlCache(SETTINGS_TTL)

    async def receipts(self, message: Message) -> list[Receipt]:
        try:
            data = await self._client.get("chat.getMessageReadReceipts", messageId=message.id)
        except ApiError as exc:
            if exc.has_code("error-action-not-allowed"):
                raise ReceiptsDisabled(LICENCE_REASON) from None
            if exc.status in (403, 404) or any(exc.has_code(c) for c in _NOT_FOUND_CODES):
                raise MessageNotFound(message.id) from None
            raise
        raw = [r for r in data.get("receipts") or () if isinstance(r, dict)]
        if not raw:
            # the sender's own receipt is stored at send time whenever receipts are recorded:
            # none at all means they are off, or the message predates them; a cached "on"
            # contradicts this answer (an admin may just have turned them off): ask again
            state = await self.receipts_state()
            if state.problem is None:
                state = await self.receipts_state(fresh=True)
            if state.problem is not None:
                raise ReceiptsDisabled(state.problem)
            if state.enabled is None:
                raise ReceiptsDisabled(UNKNOWN_REASON)
        receipts: list[Receipt] = []
        seen = {message.sender.id}
        for item in raw:
            user = item.get("user")
            details: dict[str, Any] = user if isinstance(user, dict) else {}
            user_id = str(item.get("userId") or details.get("_id") or "")
            if not user_id or user_id in seen:
                continue
            seen.add(user_id)
            receipts.append(
                Receipt(user=to_user({**details, "_id": user_id}), read_at=parse_ts(item.get("ts")))
            )
        return receipts

    async def receipts_state(self, *, fresh: bool = False) -> ReceiptsState:
        """The public settings that decide whether receipts are recorded (cached a minute
        unless ``fresh``)."""
        cached = None if fresh else self._settings.get("")
        if cached is not None:
            return cached
        try:
            data = await self._client.get("settings.public", _id=",".join(SETTING_IDS))
        except ApiError:
            return self._settings.put("", ReceiptsState())
        values = {
            str(s.get("_id")): s.get("value")
            for s in data.get("settings") or ()
            if isinstance(s, dict)
        }
        size = values.get("Message_MaxAllowedSize")
        state = ReceiptsState(
            enabled=_flag(values.get("Message_Read_Receipt_Enabled")),
            store_users=_flag(values.get("Message_Read_Receipt_Store_Users")),
            max_message_size=size if isinstance(size, int) and size > 0 else None,
        )
        return self._settings.put("", state)

    async def members(self, conversation: Conversation) -> list[User]:
        cached = self._members.get(conversation.id)
        if cached is not None:
            return cached
        room = self._directory.get(conversation.id)
        room_type = room.type if room is not None else None
        if room_type == "d" or (room_type is None and conversation.is_direct):
            endpoint = "im.members"
        elif room_type == "p" or (room_type is None and conversation.private):
            endpoint = "groups.members"
        else:
            endpoint = "channels.members"
        items = await self._paged(endpoint, "members", roomId=conversation.id)
        return self._members.put(conversation.id, await self.with_roles(map(to_user, items)))

    async def users(self) -> list[User]:
        cached = self._users.get("")
        if cached is not None:
            return cached
        items = await self._paged("users.list", "users")
        return self._users.put("", [to_user(u) for u in items])

    async def with_roles(self, people: Iterable[User]) -> list[User]:
        """``people`` with ``is_bot`` and ``is_active`` from the user directory: member lists and
        messages carry no roles and no active flag (people the directory lacks stay as given)."""
        try:
            directory = {u.id: u for u in await self.users()}
        except ApiError as exc:  # users.list needs view-d-room: without it, names still work
            log.debug("Rocket.Chat: no user directory (%s); is_bot comes from messages only", exc)
            directory = {}
        out = []
        for person in people:
            known = directory.get(person.id)
            out.append(
                person
                if known is None
                else replace(
                    person,
                    is_bot=person.is_bot or known.is_bot,
                    is_active=person.is_active and known.is_active,
                )
            )
        return out

    async def _paged(self, endpoint: str, key: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            data = await self._client.get(endpoint, count=PAGE, offset=len(items), **params)
            page = [i for i in data.get(key) or () if isinstance(i, dict)]
            items.extend(page)
            if len(page) < PAGE:
                break
        return items


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
