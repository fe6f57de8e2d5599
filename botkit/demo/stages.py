"""The demo's organization on a local Zulip or Rocket.Chat server, behind one small interface.

Everything here uses the local servers' Python control API: the people of the story act through
it, and the bot's messages are read back from the server's state to be printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from botkit.config import Settings

__all__ = ["RocketChatStage", "Stage", "ZulipStage", "open_stage"]

PEOPLE = {
    "alice": "Alice Liddell",
    "bob": "Bob Cratchit",
    "carol": "Carol Danvers",
    "dave": "Dave Lister",
}
BOT_NAME = "Receipt Bot"
CHANNEL = "general"
TOPIC = "announcements"


class Stage(Protocol):
    kind: str
    #: The chat's name as people know it ("Zulip", "Rocket.Chat").
    product: str
    url: str
    #: How a person @-mentions the bot in this chat.
    mention: str

    def settings(self, data_dir: Path, plugins: dict[str, Any]) -> Settings: ...

    def post(self, who: str, text: str) -> str: ...

    def read(self, who: str, message_id: str) -> None: ...

    def link(self, message_id: str) -> str: ...

    def bot_has_read(self, message_id: str) -> bool: ...

    def receipt_names(self, message_id: str) -> list[str]:
        """Who the server's own read receipts list for the message (sender left out), by name:
        what any client of that server would show."""
        ...

    def bot_posts(self) -> list[str]: ...

    def credentials(self) -> list[str]: ...

    def bot_config(self) -> str: ...

    def stop(self) -> None: ...


def _common(data_dir: Path, plugins: dict[str, Any], admin: str) -> dict[str, Any]:
    return {
        "bot": {"data_dir": str(data_dir), "name": BOT_NAME, "log_level": "WARNING"},
        "plugins": {"enabled": ["receipts", "audit"], **plugins},
        "delivery": {"ack_max_delay": "0s"},
        "acl": {"admins": [admin]},
    }


class ZulipStage:
    kind = "zulip"
    product = "Zulip"
    mention = f"@**{BOT_NAME}**"

    def __init__(self) -> None:
        from botkit.servers.zulip import LocalZulip

        # short long-polls and heartbeats: the bot stops in well under a second
        self.server = LocalZulip(rate_limit=None, longpoll_timeout=1.0, heartbeat_interval=(1, 1))
        self.server.start()
        self.url = self.server.url
        self.people = {
            key: self.server.create_user(name, f"{key}@example.com", is_admin=key == "alice")
            for key, name in PEOPLE.items()
        }
        self.bot = self.server.create_bot(BOT_NAME, "receipt-bot@example.com")
        members = [*self.people.values(), self.bot]
        self.channel_id = self.server.create_channel(CHANNEL, members, description="Everyone")

    def settings(self, data_dir: Path, plugins: dict[str, Any]) -> Settings:
        data = _common(data_dir, plugins, str(self.people["alice"].id))
        data["bot"]["backend"] = "zulip"
        data["zulip"] = {"site": self.url, "email": self.bot.email, "api_key": self.bot.api_key}
        return Settings.model_validate(data)

    def post(self, who: str, text: str) -> str:
        return str(self.server.send_message(self.people[who], self.channel_id, TOPIC, text))

    def read(self, who: str, message_id: str) -> None:
        self.server.mark_read(self.people[who], [int(message_id)])

    def link(self, message_id: str) -> str:
        narrow = f"#narrow/channel/{self.channel_id}-{CHANNEL}/topic/{TOPIC}"
        return f"{self.url}/{narrow}/near/{message_id}"

    def bot_has_read(self, message_id: str) -> bool:
        return "read" in self.server.message_flags(self.bot, int(message_id))

    def receipt_names(self, message_id: str) -> list[str]:
        # what GET /messages/{id}/read_receipts answers the sender
        ids = self.server.read_receipt_user_ids(int(message_id), as_user=self.people["alice"])
        names = {u.id: u.full_name for u in [*self.people.values(), self.bot]}
        return sorted(names.get(uid, str(uid)) for uid in ids)

    def bot_posts(self) -> list[str]:
        with self.server.lock:
            found = sorted(
                (m.id, m.content)
                for m in self.server.state.messages.values()
                if m.sender_id == self.bot.id
            )
        return [text for _, text in found]

    def credentials(self) -> list[str]:
        lines = [
            f"  {u.full_name:<14} email {u.email:<22} api_key {u.api_key}"
            for u in self.people.values()
        ]
        lines.append(f"  {BOT_NAME:<14} email {self.bot.email:<22} api_key {self.bot.api_key}")
        return lines

    def bot_config(self) -> str:
        return (
            f'[bot]\nbackend = "zulip"\n\n[zulip]\nsite = "{self.url}"\n'
            f'email = "{self.bot.email}"\napi_key = "{self.bot.api_key}"\n'
        )

    def stop(self) -> None:
        self.server.stop()


class RocketChatStage:
    kind = "rocketchat"
    product = "Rocket.Chat"
    mention = "@receipt-bot"

    def __init__(self) -> None:
        from botkit.servers.rocketchat import LocalRocketChat

        self.server = LocalRocketChat(rate_limit=None)
        self.server.start()
        self.url = self.server.url
        self.people = {key: self.server.create_user(key, name=name) for key, name in PEOPLE.items()}
        self.bot = self.server.create_user("receipt-bot", name=BOT_NAME, roles=("bot",))
        members = [*self.people.values(), self.bot]
        self.room_id = self.server.create_room(CHANNEL, "c", members)

    def settings(self, data_dir: Path, plugins: dict[str, Any]) -> Settings:
        data = _common(data_dir, plugins, "alice")
        data["bot"]["backend"] = "rocketchat"
        data["rocketchat"] = {
            "server_url": self.url,
            "user_id": self.bot.id,
            "auth_token": self.bot.auth_token,
            "poll_interval": 0.1,
        }
        return Settings.model_validate(data)

    def post(self, who: str, text: str) -> str:
        return self.server.send_message(self.people[who], self.room_id, text)

    def read(self, who: str, message_id: str) -> None:
        self.server.read_room(self.people[who], self.room_id)

    def link(self, message_id: str) -> str:
        return f"{self.url}/channel/{CHANNEL}?msg={message_id}"

    def bot_has_read(self, message_id: str) -> bool:
        return any(user == self.bot.id for user, _ in self.server.receipts(message_id))

    def receipt_names(self, message_id: str) -> list[str]:
        # the server stores a receipt for the sender at send time: not a reader
        sender = self.people["alice"].id
        names = {u.id: u.name for u in [*self.people.values(), self.bot]}
        readers = {uid for uid, _ in self.server.receipts(message_id) if uid != sender}
        return sorted(names.get(uid, uid) for uid in readers)

    def bot_posts(self) -> list[str]:
        with self.server.lock:
            found = sorted(
                (m.ts, m.msg)
                for m in self.server.state.messages.values()
                if m.user_id == self.bot.id
            )
        return [text for _, text in found]

    def credentials(self) -> list[str]:
        lines = [
            f"  {u.username:<12} password {u.password:<20} user id {u.id}"
            for u in self.people.values()
        ]
        lines.append(
            f"  {'receipt-bot':<12} user id {self.bot.id}  auth token {self.bot.auth_token}"
        )
        return lines

    def bot_config(self) -> str:
        return (
            f'[bot]\nbackend = "rocketchat"\n\n[rocketchat]\nserver_url = "{self.url}"\n'
            f'user_id = "{self.bot.id}"\nauth_token = "{self.bot.auth_token}"\n'
        )

    def stop(self) -> None:
        self.server.stop()


def open_stage(kind: str) -> Stage:
    return ZulipStage() if kind == "zulip" else RocketChatStage()
