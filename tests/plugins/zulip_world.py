"""A local Zulip with a small organization and a real ``Bot`` running the bundled plugins.

Requests are posted as people through the server's Python API; the bot's answers are read back
from the server's state, waiting (bounded) for them to appear.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botkit.config import Settings
from botkit.servers.zulip import LocalZulip, ZUser

REPLY_TIMEOUT = 10.0


@dataclass
class ZulipWorld:
    server: LocalZulip
    alice: ZUser
    bob: ZUser
    carol: ZUser
    dave: ZUser
    bot: ZUser
    general: int  # alice, bob, carol, dave, bot
    secret: int  # private: alice, bob, bot
    data_dir: Path

    def settings(self, **plugins: Any) -> Settings:
        return Settings.model_validate(
            {
                "bot": {"backend": "zulip", "data_dir": str(self.data_dir)},
                "zulip": {
                    "site": self.server.url,
                    "email": self.bot.email,
                    "api_key": self.bot.api_key,
                },
                "plugins": {"enabled": ["receipts", "audit"], **plugins},
                "delivery": {"ack_max_delay": "0s"},
                "acl": {"admins": [str(self.dave.id)]},
            }
        )

    def link(self, message_id: int, form: str = "near") -> str:
        narrow = f"#narrow/channel/{self.general}-general/topic/news"
        return f"{self.server.url}/{narrow}/{form}/{message_id}"

    def bot_posts(self) -> list[tuple[int, str, str]]:
        """(message id, content, topic or "") of every message the bot sent, oldest first."""
        with self.server.lock:
            found = [
                (m.id, m.content, m.topic)
                for m in self.server.state.messages.values()
                if m.sender_id == self.bot.id
            ]
        return sorted(found)

    async def wait_for_posts(self, count: int) -> list[str]:
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            posts = self.bot_posts()
            if len(posts) >= count:
                return [text for _, text, _ in posts]
            await asyncio.sleep(0.02)
        raise AssertionError(f"the bot sent {len(self.bot_posts())} messages, not {count}")

    async def ask(
        self, sender: ZUser, text: str, *, channel: int | None = None, topic: str = "news"
    ) -> str:
        """Post ``text`` in a channel (default #general) and return the bot's reply."""
        before = len(self.bot_posts())
        self.server.send_message(sender, channel or self.general, topic, text)
        return (await self.wait_for_posts(before + 1))[before]

    async def ask_directly(self, sender: ZUser, text: str) -> str:
        before = len(self.bot_posts())
        self.server.send_direct(sender, [self.bot], text)
        return (await self.wait_for_posts(before + 1))[before]

    async def wait_read_by_bot(self, message_id: int) -> None:
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            if "read" in self.server.message_flags(self.bot, message_id):
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"the bot never marked {message_id} read")


@contextlib.contextmanager
def zulip_world(tmp_path: Path, **server_options: Any) -> Iterator[ZulipWorld]:
    options: dict[str, Any] = {"rate_limit": None, "longpoll_timeout": 1.0}
    options.update(server_options)
    with LocalZulip(heartbeat_interval=(1.0, 1.0), **options) as server:
        alice = server.create_user("Alice Liddell", "alice@example.com")
        bob = server.create_user("Bob Cratchit", "bob@example.com")
        carol = server.create_user("Carol Danvers", "carol@example.com")
        dave = server.create_user("Dave Admin", "dave@example.com", is_admin=True)
        bot = server.create_bot("Receipt Bot", "receipt-bot@example.com", owner=alice)
        general = server.create_channel("general", [alice, bob, carol, dave, bot])
        secret = server.create_channel("secret", [alice, bob, bot], private=True)
        yield ZulipWorld(server, alice, bob, carol, dave, bot, general, secret, tmp_path / "data")
