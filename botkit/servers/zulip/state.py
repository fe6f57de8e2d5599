"""The organization's data: users, channels, messages, UserMessage rows, mutes, realm settings.

Everything here runs under the server's lock. UserMessage rows are indexed both ways a request
needs them: ``rows[user_id][message_id] -> flag bits`` for O(1) lookups, and ascending id lists
per user (all rows, unread rows) and per channel, so narrows and anchors use ``bisect`` instead of
scanning every message.
"""

from __future__ import annotations

import secrets
import string
import threading
from bisect import bisect_left, insort
from typing import TYPE_CHECKING

from botkit.servers.zulip.events import EventHub
from botkit.servers.zulip.model import READ, ROLE_MEMBER, Channel, Message, ZUser

if TYPE_CHECKING:
    from botkit.servers.zulip.uploads import Attachment

__all__ = ["RealmState"]

_KEY_ALPHABET = string.ascii_letters + string.digits


def new_api_key() -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(32))


class RealmState:
    def __init__(
        self, lock: threading.RLock, realm_read_receipts: bool = True, hide_emails: bool = False
    ) -> None:
        self.realm_read_receipts = realm_read_receipts
        self.hide_emails = hide_emails
        self.host = "zulip.localhost"
        #: The server's base URL once it listens (for avatar URLs).
        self.base_url = "http://127.0.0.1"
        self.users: dict[int, ZUser] = {}
        self._by_email: dict[str, ZUser] = {}
        self.channels: dict[int, Channel] = {}
        self._channel_by_name: dict[str, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.rows: dict[int, dict[int, int]] = {}
        self.row_ids: dict[int, list[int]] = {}
        self.unread: dict[int, list[int]] = {}
        #: muter id -> {muted id: unix time of the mute}
        self.mutes: dict[int, dict[int, int]] = {}
        self.hub = EventHub(lock)
        #: The server's ``MAX_FILE_UPLOAD_SIZE`` (0: uploads off) and the uploaded files.
        self.max_file_upload_size_mib = 100
        self.attachments: dict[str, Attachment] = {}
        self._next_user_id = 1
        self._next_channel_id = 1
        self._next_message_id = 1
        self._dm_recipients: dict[tuple[int, ...], int] = {}
        self.system_bot_ids: set[int] = set()
        self.notification_bot = self.add_user(
            "Notification Bot", "notification-bot@zulip.com", is_bot=True
        )
        self.system_bot_ids.add(self.notification_bot.id)

    # -- users --------------------------------------------------------------------------------
    def add_user(
        self,
        full_name: str,
        email: str,
        *,
        is_bot: bool = False,
        role: int = ROLE_MEMBER,
        send_read_receipts: bool = True,
        bot_owner_id: int | None = None,
        api_key: str | None = None,
    ) -> ZUser:
        if not full_name.strip():
            raise ValueError("full_name must not be empty")
        if "@" not in email:
            raise ValueError(f"email {email!r} is not an email address")
        if email.lower() in self._by_email:
            raise ValueError(f"a user with email {email!r} already exists")
        user = ZUser(
            id=self._next_user_id,
            email=email,
            full_name=full_name,
            api_key=api_key or new_api_key(),
            is_bot=is_bot,
            role=role,
            bot_owner_id=bot_owner_id,
            send_read_receipts=send_read_receipts,
        )
        self._next_user_id += 1
        self.users[user.id] = user
        self._by_email[email.lower()] = user
        self.rows[user.id] = {}
        self.row_ids[user.id] = []
        self.unread[user.id] = []
        self.mutes[user.id] = {}
        return user

    def user_by_email(self, email: str) -> ZUser | None:
        return self._by_email.get(email.lower())

    def realm_users(self) -> list[ZUser]:
        """Users of the organization (system bots live in another realm), by id."""
        return [u for u in self.users.values() if u.id not in self.system_bot_ids]

    def public_email(self, user: ZUser) -> str:
        """``email`` as others see it: hidden behind ``user<id>@<host>`` when the organization
        restricts email visibility (bots' emails are always shown)."""
        if self.hide_emails and not user.is_bot:
            return f"user{user.id}@{self.host}"
        return user.email

    def avatar_url(self, user: ZUser) -> str:
        return f"{self.base_url}/avatar/{user.id}"

    def delivery_email_for(self, user: ZUser, viewer: ZUser) -> str | None:
        if not self.hide_emails or user.is_bot or viewer.is_admin or viewer.id == user.id:
            return user.email
        return None

    def is_muted(self, muter_id: int, muted_id: int) -> bool:
        return muted_id in self.mutes.get(muter_id, {})

    # -- channels -----------------------------------------------------------------------------
    def add_channel(
        self,
        name: str,
        *,
        private: bool = False,
        history_public: bool = True,
        creator_id: int | None = None,
        description: str = "",
    ) -> Channel:
        if not name.strip():
            raise ValueError("channel name must not be empty")
        if name.lower() in self._channel_by_name:
            raise ValueError(f"channel {name!r} already exists")
        channel = Channel(
            id=self._next_channel_id,
            name=name,
            description=description,
            invite_only=private,
            history_public_to_subscribers=history_public,
            creator_id=creator_id,
        )
        self._next_channel_id += 1
        self.channels[channel.id] = channel
        self._channel_by_name[name.lower()] = channel
        return channel

    def channel_by_name(self, name: str) -> Channel | None:
        return self._channel_by_name.get(name.lower())

    def visible_channel_ids(self, user: ZUser) -> set[int]:
        """Channels whose subscriber lists the user may see: public ones and their own."""
        return {
            c.id
            for c in self.channels.values()
            if (c.is_public and not user.is_guest) or user.id in c.subscribers
        }

    def can_read_history(self, user: ZUser, channel: Channel) -> bool:
        if channel.is_public:
            return not user.is_guest or user.id in channel.subscribers
        return channel.history_public_to_subscribers and user.id in channel.subscribers

    # -- messages and UserMessage rows -------------------------------------------------------
    def next_message_id(self) -> int:
        mid = self._next_message_id
        self._next_message_id += 1
        return mid

    def dm_recipient_id(self, user_ids: tuple[int, ...]) -> int:
        if len(user_ids) <= 2:
            return 200_000 + user_ids[-1]
        return self._dm_recipients.setdefault(user_ids, 300_000 + len(self._dm_recipients))

    def add_row(self, user_id: int, message_id: int, bits: int) -> None:
        """Create a UserMessage row (ids normally arrive in ascending order: append)."""
        ids = self.row_ids[user_id]
        if not ids or ids[-1] < message_id:
            ids.append(message_id)
        else:
            insort(ids, message_id)
        self.rows[user_id][message_id] = bits
        if not bits & READ:
            unread = self.unread[user_id]
            if not unread or unread[-1] < message_id:
                unread.append(message_id)
            else:
                insort(unread, message_id)

    def set_bits(self, user_id: int, message_id: int, bits: int) -> None:
        """Change an existing row's flags, keeping the unread index right."""
        old = self.rows[user_id][message_id]
        self.rows[user_id][message_id] = bits
        if (old ^ bits) & READ:
            unread = self.unread[user_id]
            if bits & READ:
                i = bisect_left(unread, message_id)
                if i < len(unread) and unread[i] == message_id:
                    del unread[i]
            else:
                insort(unread, message_id)

    def has_access(self, user: ZUser, message: Message) -> bool:
        """Zulip's ``has_message_access`` (read-only: no row is created)."""
        if message.channel_id is None:
            return message.id in self.rows[user.id]
        channel = self.channels[message.channel_id]
        if channel.is_public:
            return not user.is_guest or message.id in self.rows[user.id]
        if user.id not in channel.subscribers:
            return False
        return channel.history_public_to_subscribers or message.id in self.rows[user.id]

    def max_message_id(self, user_id: int) -> int:
        ids = self.row_ids[user_id]
        return ids[-1] if ids else -1
