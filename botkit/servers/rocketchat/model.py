"""The stored documents of the local Rocket.Chat: users, rooms, subscriptions, messages, receipts.

Times are epoch milliseconds (Rocket.Chat keeps JS Dates, millisecond precision). Each room keeps
its messages in two ts-sorted lists (all, and the visible main timeline) so history queries bisect
instead of scanning, and an append-only ``(_updatedAt, id)`` log for ``chat.syncMessages``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Message", "RcUser", "Receipt", "Room", "RoomType", "Subscription", "Upload"]

RoomType = Literal["c", "p", "d"]


@dataclass(eq=False)
class RcUser:
    """A user account. ``password`` and ``auth_token`` never appear in reprs."""

    id: str
    username: str
    name: str
    roles: tuple[str, ...]
    password: str = field(repr=False)
    auth_token: str = field(repr=False)
    active: bool = True
    email: str = ""
    created: int = 0
    updated: int = 0
    #: hashed token -> "login" | "pat"
    tokens: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def is_bot(self) -> bool:
        return "bot" in self.roles


@dataclass(eq=False)
class Receipt:
    user_id: str
    ts: int
    updated: int


@dataclass(eq=False)
class Message:
    id: str
    rid: str
    msg: str
    ts: int
    updated: int
    user_id: str
    unread: bool = False
    tmid: str | None = None
    tshow: bool = False
    #: Client-supplied optional fields kept verbatim (alias, avatar, emoji, attachments, ...).
    extra: dict[str, Any] = field(default_factory=dict)
    mentions: list[str] = field(default_factory=list)
    # Thread parent bookkeeping.
    tcount: int = 0
    tlm: int | None = None
    replies: list[str] = field(default_factory=list)  # followers' user ids
    reply_ids: list[str] = field(default_factory=list)  # the replies, oldest first
    receipts: list[Receipt] = field(default_factory=list)
    receipt_users: set[str] = field(default_factory=set)

    @property
    def visible(self) -> bool:
        """On the room's main timeline: not a thread reply, or a reply also shown in the room."""
        return self.tmid is None or self.tshow


@dataclass(eq=False)
class Room:
    id: str
    type: RoomType
    name: str
    fname: str
    creator_id: str
    ts: int
    updated: int
    members: dict[str, None] = field(default_factory=dict)  # ordered set of user ids
    all_ts: list[int] = field(default_factory=list)
    all_msgs: list[Message] = field(default_factory=list)
    visible_ts: list[int] = field(default_factory=list)
    visible_msgs: list[Message] = field(default_factory=list)
    #: Visible messages before this index have had their unread flag cleared.
    cleared_upto: int = 0
    update_log: list[tuple[int, str]] = field(default_factory=list)
    update_log_ts: list[int] = field(default_factory=list)
    lm: int | None = None
    last_message: Message | None = None
    msgs: int = 0


@dataclass(eq=False)
class Subscription:
    id: str
    rid: str
    user_id: str
    ts: int
    updated: int
    ls: int | None = None
    unread: int = 0
    alert: bool = False
    open: bool = True
    user_mentions: int = 0
    group_mentions: int = 0
    tunread: list[str] | None = None
    tunread_user: list[str] | None = None
    tunread_group: list[str] | None = None


@dataclass(eq=False)
class Upload:
    """An uploaded file (``rooms.media``): temporary until ``rooms.mediaConfirm`` posts it."""

    id: str
    name: str
    type: str
    rid: str
    user_id: str
    data: bytes = field(repr=False)
    uploaded_at: int
    #: Unconfirmed uploads expire (24 h); None once confirmed.
    expires_at: int | None
    description: str | None = None
    message_id: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)
