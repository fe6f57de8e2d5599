"""The Python API of the local Zulip server: set up an organization and act in it directly.

Every action behaves as if done through the real API (events, flags, mentions, read state), so
a bot connected to the server sees the same thing as on a real one. Users can be passed as the
``ZUser`` object, their id, or their login email; channels by name or id.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from botkit.servers._http import LoggedRequest
from botkit.servers.zulip import actions
from botkit.servers.zulip.flags import read_receipt_user_ids, update_flags
from botkit.servers.zulip.model import FLAG_BITS, INTERNAL_FLAGS, ROLE_ADMIN, ROLE_MEMBER, ZUser
from botkit.servers.zulip.ratelimit import RateLimiter
from botkit.servers.zulip.state import RealmState

__all__ = ["AdminMixin", "ChannelRef", "UserRef"]

UserRef = ZUser | int | str
ChannelRef = str | int


class AdminMixin:
    state: RealmState
    lock: threading.RLock
    request_log: list[LoggedRequest]
    _limiter: RateLimiter | None

    # -- lookups ------------------------------------------------------------------------------
    def user(self, ref: UserRef) -> ZUser:
        """The user for a ``ZUser``, id or login email; ``LookupError`` names a missing one."""
        with self.lock:
            if isinstance(ref, ZUser):
                return self.state.users[ref.id]
            found = self.state.users.get(ref) if isinstance(ref, int) else None
            if isinstance(ref, str):
                found = self.state.user_by_email(ref)
            if found is None:
                raise LookupError(f"no user {ref!r} on this local Zulip server")
            return found

    def user_by_email(self, email: str) -> ZUser:
        return self.user(email)

    def channel_id(self, ref: ChannelRef) -> int:
        with self.lock:
            channel = (
                self.state.channels.get(ref)
                if isinstance(ref, int)
                else self.state.channel_by_name(ref)
            )
            if channel is None:
                raise LookupError(f"no channel {ref!r} on this local Zulip server")
            return channel.id

    # -- organization -------------------------------------------------------------------------
    def create_user(
        self,
        full_name: str,
        email: str | None = None,
        *,
        send_read_receipts: bool = True,
        is_admin: bool = False,
        api_key: str | None = None,
    ) -> ZUser:
        with self.lock:
            return self.state.add_user(
                full_name,
                email or _email_for(full_name),
                role=ROLE_ADMIN if is_admin else ROLE_MEMBER,
                send_read_receipts=send_read_receipts,
                api_key=api_key,
            )

    def create_bot(
        self,
        full_name: str,
        email: str | None = None,
        *,
        send_read_receipts: bool = True,
        owner: UserRef | None = None,
        api_key: str | None = None,
    ) -> ZUser:
        owner_id = self.user(owner).id if owner is not None else None
        with self.lock:
            return self.state.add_user(
                full_name,
                email or _email_for(full_name, bot=True),
                is_bot=True,
                send_read_receipts=send_read_receipts,
                bot_owner_id=owner_id,
                api_key=api_key,
            )

    def create_channel(
        self,
        name: str,
        subscribers: Iterable[UserRef] = (),
        *,
        private: bool = False,
        history_public: bool = True,
        description: str = "",
        announce: bool = False,
    ) -> int:
        """Create a channel. ``announce=True`` also posts Notification Bot's "channel events"
        message (unread for every subscriber), as creating a channel on a real server does."""
        members = [self.user(u) for u in subscribers]
        with self.lock:
            channel = self.state.add_channel(
                name,
                private=private,
                history_public=history_public,
                creator_id=members[0].id if members else None,
                description=description,
            )
            channel.subscribers.update(u.id for u in members)
            if announce:
                kind = "Private" if private else "Public"
                actions.do_send(
                    self.state,
                    self.state.notification_bot,
                    content=f"**{kind}** channel created. **Description:**\n\n> {description}",
                    client="Internal",
                    channel=channel,
                    topic="channel events",
                )
            return channel.id

    def subscribe(self, user: UserRef, channel: ChannelRef) -> bool:
        u, cid = self.user(user), self.channel_id(channel)
        with self.lock:
            return actions.do_subscribe(self.state, u, self.state.channels[cid])

    def unsubscribe(self, user: UserRef, channel: ChannelRef) -> bool:
        u, cid = self.user(user), self.channel_id(channel)
        with self.lock:
            return actions.do_unsubscribe(self.state, u, self.state.channels[cid])

    # -- messages -----------------------------------------------------------------------------
    def send_message(
        self,
        sender: UserRef,
        channel: ChannelRef,
        topic: str,
        content: str,
        *,
        read_by_sender: bool | None = None,
    ) -> int:
        u, cid = self.user(sender), self.channel_id(channel)
        with self.lock:
            mid, _ = actions.do_send(
                self.state,
                u,
                content=content,
                channel=self.state.channels[cid],
                topic=topic,
                read_by_sender=read_by_sender,
            )
            return mid

    def send_direct(
        self,
        sender: UserRef,
        to: Iterable[UserRef],
        content: str,
        *,
        read_by_sender: bool | None = None,
    ) -> int:
        u, people = self.user(sender), [self.user(p) for p in to]
        if not people:
            raise ValueError("send_direct needs at least one recipient")
        with self.lock:
            mid, _ = actions.do_send(
                self.state, u, content=content, to=people, read_by_sender=read_by_sender
            )
            return mid

    def send_many(self, items: Iterable[Mapping[str, Any]]) -> list[int]:
        """Bulk send under one lock: dicts ``{sender, channel, topic, content}`` or
        ``{sender, to, content}`` (optional ``read_by_sender``). Returns the ids in order."""
        ids = []
        with self.lock:
            for n, item in enumerate(items):
                sender = self.user(item["sender"])
                if "channel" in item:
                    channel = self.state.channels[self.channel_id(item["channel"])]
                    mid, _ = actions.do_send(
                        self.state,
                        sender,
                        content=str(item["content"]),
                        channel=channel,
                        topic=str(item.get("topic", "")),
                        read_by_sender=item.get("read_by_sender"),
                    )
                elif "to" in item:
                    people = [self.user(p) for p in item["to"]]
                    mid, _ = actions.do_send(
                        self.state,
                        sender,
                        content=str(item["content"]),
                        to=people,
                        read_by_sender=item.get("read_by_sender"),
                    )
                else:
                    raise ValueError(f"send_many item {n} needs 'channel' or 'to'")
                ids.append(mid)
        return ids

    def mark_read(self, user: UserRef, message_ids: Iterable[int]) -> list[int]:
        """As POST /messages/flags add read; returns the ids that changed."""
        u = self.user(user)
        with self.lock:
            return update_flags(self.state, u, "add", "read", list(message_ids))[0]

    def mark_unread(self, user: UserRef, message_ids: Iterable[int]) -> list[int]:
        u = self.user(user)
        with self.lock:
            return update_flags(self.state, u, "remove", "read", list(message_ids))[0]

    def message_flags(self, user: UserRef, message_id: int) -> set[str]:
        """The user's flags on a message (empty set: no UserMessage row)."""
        u = self.user(user)
        with self.lock:
            bits = self.state.rows[u.id].get(message_id, 0)
        return {name for name, bit in FLAG_BITS.items() if bits & bit} - INTERNAL_FLAGS

    def read_receipt_user_ids(self, message_id: int, as_user: UserRef) -> list[int]:
        """What GET /messages/{id}/read_receipts answers ``as_user`` (``LookupError`` where the
        endpoint says "Invalid message(s)"; the realm switch is not checked here)."""
        viewer = self.user(as_user)
        with self.lock:
            message = self.state.messages.get(message_id)
            if message is None or not self.state.has_access(viewer, message):
                raise LookupError(f"message {message_id} is invalid for {viewer.email}")
            return read_receipt_user_ids(self.state, message_id, viewer)

    # -- settings, mutes, accounts --------------------------------------------------------------
    def set_send_read_receipts(self, user: UserRef, value: bool) -> bool:
        u = self.user(user)
        with self.lock:
            return actions.do_set_user_setting(self.state, u, "send_read_receipts", bool(value))

    def set_realm_read_receipts(self, enabled: bool) -> bool:
        with self.lock:
            return actions.do_set_realm_read_receipts(self.state, bool(enabled))

    def mute_user(self, muter: UserRef, muted: UserRef) -> None:
        a, b = self.user(muter), self.user(muted)
        with self.lock:
            actions.do_mute(self.state, a, b)

    def unmute_user(self, muter: UserRef, muted: UserRef) -> None:
        a, b = self.user(muter), self.user(muted)
        with self.lock:
            actions.do_unmute(self.state, a, b)

    def deactivate(self, user: UserRef) -> None:
        u = self.user(user)
        with self.lock:
            actions.do_deactivate(self.state, u)

    def reactivate(self, user: UserRef) -> None:
        u = self.user(user)
        with self.lock:
            actions.do_reactivate(self.state, u)

    def expire_queues(self, user: UserRef) -> int:
        """Delete the user's event queues now; their next poll gets BAD_EVENT_QUEUE_ID."""
        u = self.user(user)
        with self.lock:
            return self.state.hub.delete_user_queues(u.id)

    def set_rate_limit(self, max_calls: int | None, window: float = 60.0) -> None:
        """``set_rate_limit(200, 60)``, or ``set_rate_limit(None)`` to turn limiting off."""
        with self.lock:
            self._limiter = None if max_calls is None else RateLimiter(max_calls, window)

    def count_429(self) -> int:
        with self.lock:
            return sum(1 for r in self.request_log if r.status == 429)


def _email_for(full_name: str, bot: bool = False) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", full_name.lower()).strip("-") or "user"
    return f"{slug}-bot@example.com" if bot else f"{slug}@example.com"
