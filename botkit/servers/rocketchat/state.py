"""The local Rocket.Chat's data: settings, users with roles and tokens, rooms, subscriptions.

Message flow (sending, reading, receipts) lives in ``messaging.py`` and ``reading.py``; this module
holds the stores and the membership rules they share. Callers hold the server lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Message, RcUser, Room, RoomType, Subscription, Upload
from .util import Clock, hash_token, new_id, new_token

__all__ = ["RcSettings", "RcState", "UserRef"]

UserRef = RcUser | str  # a user object, id or username


@dataclass
class RcSettings:
    """Server settings that change behaviour (reference page section 1.1)."""

    read_receipts: bool = True  # Message_Read_Receipt_Enabled
    store_users: bool = True  # Message_Read_Receipt_Store_Users
    licence: bool = True  # the message-read-receipt licence module
    max_message_size: int = 5000  # Message_MaxAllowedSize
    threads_enabled: bool = True  # Threads_enabled
    #: Seconds between the last read in a room and clearing the messages' unread flags. Rocket.Chat
    #: debounces this by 2 s; 0 (default) clears synchronously so tests are deterministic.
    flag_clear_delay: float = 0.0
    version: str = "8.8.1"
    file_upload_enabled: bool = True  # FileUpload_Enabled
    #: FileUpload_MaxFileSize in bytes (default 100 MB); -1 means no limit.
    max_file_size: int = 104857600

    @property
    def receipts_enabled(self) -> bool:
        """Both settings are forced off when the licence lacks the module."""
        return self.read_receipts and self.licence

    @property
    def store_receipts(self) -> bool:
        return self.receipts_enabled and self.store_users

    @property
    def version_tuple(self) -> tuple[int, int]:
        major, _, rest = self.version.partition(".")
        minor = rest.partition(".")[0]
        return int(major or 0), int(minor or 0)


class RcState:
    def __init__(self, settings: RcSettings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.users: dict[str, RcUser] = {}
        self.users_by_name: dict[str, RcUser] = {}
        self.rooms: dict[str, Room] = {}
        self.rooms_by_name: dict[str, Room] = {}
        self.subs: dict[tuple[str, str], Subscription] = {}
        self.subs_by_user: dict[str, dict[str, Subscription]] = {}
        self.messages: dict[str, Message] = {}
        #: (user id, subscription id, room id, deleted at) for subscriptions.get's ``remove``.
        self.removed_subs: list[tuple[str, str, str, int]] = []
        #: (user id, thread id) -> last time the user read the thread.
        self.thread_reads: dict[tuple[str, str], int] = {}
        self.uploads: dict[str, Upload] = {}

    # -- users --------------------------------------------------------------------------------
    def user(self, ref: UserRef) -> RcUser:
        """A user by object, id or username; LookupError naming the reference otherwise."""
        if isinstance(ref, RcUser):
            return ref
        found = self.users.get(ref) or self.users_by_name.get(ref.lower())
        if found is None:
            raise LookupError(f"no user with id or username {ref!r}")
        return found

    def find_user(self, ref: str) -> RcUser | None:
        try:
            return self.user(ref)
        except LookupError:
            return None

    def create_user(
        self,
        username: str,
        *,
        name: str | None = None,
        password: str | None = None,
        roles: Iterable[str] = ("user",),
        email: str | None = None,
    ) -> RcUser:
        if not username or username.lower() in self.users_by_name:
            raise ValueError(f"username {username!r} is empty or already taken")
        now = self.clock.stamp()
        user = RcUser(
            id=new_id(),
            username=username,
            name=name if name is not None else username,
            roles=tuple(roles),
            password=password if password is not None else new_token()[:16],
            auth_token="",
            email=email or f"{username}@botkit.local",
            created=now,
            updated=now,
        )
        user.auth_token = self.add_token(user, "login")
        self.users[user.id] = user
        self.users_by_name[username.lower()] = user
        return user

    def user_by_email(self, email: str) -> RcUser | None:
        wanted = email.lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def add_token(self, user: RcUser, kind: str) -> str:
        token = new_token()
        user.tokens[hash_token(token)] = kind
        return token

    def authenticate(self, user_id: str, token: str) -> RcUser | None:
        user = self.users.get(user_id)
        if user is None or not user.active or hash_token(token) not in user.tokens:
            return None
        return user

    def deactivate(self, user: RcUser) -> None:
        # Rocket.Chat removes a deactivated user's login tokens.
        user.active = False
        user.tokens.clear()
        user.updated = self.clock.stamp()

    # -- rooms and membership -----------------------------------------------------------------
    def room(self, rid: str) -> Room:
        room = self.rooms.get(rid)
        if room is None:
            raise LookupError(f"no room with id {rid!r}")
        return room

    def create_room(
        self, name: str, type: RoomType, members: Iterable[UserRef], creator: UserRef | None = None
    ) -> Room:
        if type not in ("c", "p"):
            raise ValueError(f"room type must be 'c' or 'p', not {type!r}")
        if not name or name in self.rooms_by_name:
            raise ValueError(f"room name {name!r} is empty or already taken")
        users = [self.user(m) for m in members]
        owner = self.user(creator) if creator is not None else (users[0] if users else None)
        now = self.clock.stamp()
        room = Room(new_id(), type, name, name, owner.id if owner else "", now, now)
        self.rooms[room.id] = room
        self.rooms_by_name[name] = room
        for user in users:
            self.add_member(room, user)
        return room

    def create_dm(self, a: UserRef, b: UserRef) -> Room:
        first, second = self.user(a), self.user(b)
        # Rocket.Chat's DM id is the two user ids sorted and concatenated (one id for a self-DM).
        ids = sorted({first.id, second.id})
        rid = "".join(ids)
        if rid in self.rooms:
            return self.rooms[rid]
        now = self.clock.stamp()
        room = Room(rid, "d", "", "", first.id, now, now)
        self.rooms[rid] = room
        for user in (first, second):
            self.add_member(room, user)
        return room

    def add_member(self, room: Room, user: RcUser) -> Subscription:
        existing = self.subs.get((user.id, room.id))
        if existing is not None:
            return existing
        now = self.clock.stamp()
        sub = Subscription(new_id(), room.id, user.id, now, now)
        room.members[user.id] = None
        room.updated = now
        self.subs[(user.id, room.id)] = sub
        self.subs_by_user.setdefault(user.id, {})[room.id] = sub
        return sub

    def remove_member(self, room: Room, user: RcUser) -> None:
        sub = self.subs.pop((user.id, room.id), None)
        room.members.pop(user.id, None)
        if sub is not None:
            self.subs_by_user.get(user.id, {}).pop(room.id, None)
            now = self.clock.stamp()
            room.updated = now
            self.removed_subs.append((user.id, sub.id, room.id, now))

    def members(self, room: Room) -> list[RcUser]:
        return [self.users[uid] for uid in room.members]

    def can_access(self, room: Room, user: RcUser) -> bool:
        """canAccessRoom: public channels for everyone (view-c-room), others need membership."""
        return room.type == "c" or user.id in room.members

    def dm_peer(self, room: Room, user_id: str) -> RcUser:
        """The other side of a DM (yourself for a self-DM)."""
        others = [uid for uid in room.members if uid != user_id]
        return self.users[others[0] if others else user_id]

    def touch(self, room: Room, message: Message, now: int) -> None:
        """Record that ``message`` changed at ``now`` (its ``_updatedAt``)."""
        message.updated = now
        room.update_log.append((now, message.id))
        room.update_log_ts.append(now)
