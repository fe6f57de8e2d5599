"""Direct messages to people, not rooms: ``Conversation.direct`` whose id is no room id yet.

A plugin may address a DM by its participants (user ids or usernames, in ``participants`` or
comma-separated in ``id``) rather than by the DM room's id. Rocket.Chat posts only to rooms, so the
DM is opened first with ``dm.create`` (idempotent: an existing DM answers its own ``rid``), and the
rid is cached per set of people. A known room id, or an id that names nobody, is posted to as is.
"""

from __future__ import annotations

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.readstatus import ReadStatus
from botkit.backends.rocketchat.rooms import RoomDirectory
from botkit.errors import BackendError
from botkit.models import Conversation, User

__all__ = ["DirectRooms"]


class DirectRooms:
    """Turns a direct conversation into the room id to post to; see the module docstring."""

    def __init__(
        self, client: RocketChatClient, directory: RoomDirectory, status: ReadStatus
    ) -> None:
        self._client = client
        self._directory = directory
        self._status = status
        #: Sorted usernames of the other people -> the DM's room id.
        self._opened: dict[tuple[str, ...], str] = {}

    async def room_id(self, to: Conversation, me: User) -> str:
        if not to.is_direct or self._directory.get(to.id) is not None:
            return to.id
        explicit = bool(to.participants)
        refs = to.participants if explicit else tuple(to.id.split(","))
        usernames = await self._usernames(refs, me, strict=not explicit)
        if not usernames:
            return to.id  # names nobody we know: a DM room the directory has not seen yet
        key = tuple(sorted(usernames))
        if key not in self._opened:
            self._opened[key] = await self._open(key)
        return self._opened[key]

    async def _usernames(self, refs: tuple[str, ...], me: User, *, strict: bool) -> list[str]:
        """The other people's usernames. ``strict``: every ref must be a known user (else
        none is returned); otherwise an unknown ref is taken as a username."""
        try:
            people = await self._status.users()
        except ApiError:  # no directory (users.list needs view-d-room): refs are usernames
            people = []
        by_ref = {u.id: u.username for u in people}
        by_ref.update({u.username.casefold(): u.username for u in people if u.username})
        found: list[str] = []
        for ref in (r.strip().removeprefix("@") for r in refs):
            if not ref or ref in (me.id, me.username):
                continue
            username = by_ref.get(ref) or by_ref.get(ref.casefold())
            if username is None:
                if strict:
                    return []
                username = ref
            if username != me.username and username not in found:
                found.append(username)
        return found

    async def _open(self, usernames: tuple[str, ...]) -> str:
        try:
            if len(usernames) == 1:
                data = await self._client.call("dm.create", lambda api: api.dm_create(usernames[0]))
            else:  # a group DM
                data = await self._client.call(
                    "dm.create", lambda api: api.dm_create_multiple(list(usernames))
                )
        except ApiError as exc:
            people = ", ".join(usernames)
            raise BackendError(
                f"could not open a Rocket.Chat direct message with {people}: {exc.error}"
            ) from None
        room = data.get("room") if isinstance(data, dict) else None
        rid = (room.get("rid") or room.get("_id")) if isinstance(room, dict) else None
        if not rid:
            raise BackendError("Rocket.Chat dm.create answered without a room id")
        return str(rid)
