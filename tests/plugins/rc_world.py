"""A local Rocket.Chat with a small organization and a real ``Bot`` running the bundled plugins.

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
from botkit.servers.rocketchat import LocalRocketChat, RcUser

REPLY_TIMEOUT = 10.0


@dataclass
class RcWorld:
    server: LocalRocketChat
    alice: RcUser
    bob: RcUser
    carol: RcUser
    dave: RcUser
    bot: RcUser
    general: str  # alice, bob, carol, dave, bot
    secret: str  # private group: alice, bob, bot
    data_dir: Path

    def settings(self, **plugins: Any) -> Settings:
        return Settings.model_validate(
            {
                "bot": {"backend": "rocketchat", "data_dir": str(self.data_dir)},
                "rocketchat": {
                    "server_url": self.server.url,
                    "user_id": self.bot.id,
                    "auth_token": self.bot.auth_token,
                    "poll_interval": 0.05,
                },
                "plugins": {"enabled": ["receipts", "audit"], **plugins},
                "delivery": {"ack_max_delay": "0s"},
                "acl": {"admins": ["dave"]},
            }
        )

    def bot_posts(self, rid: str | None = None) -> list[tuple[str, str, str | None]]:
        """(room id, text, thread id) of every message the bot posted, oldest first."""
        with self.server.lock:
            found = [
                (m.ts, m.rid, m.msg, m.tmid)
                for m in self.server.state.messages.values()
                if m.user_id == self.bot.id and (rid is None or m.rid == rid)
            ]
        return [(r, text, tmid) for _, r, text, tmid in sorted(found, key=lambda f: f[0])]

    async def wait_for_posts(self, count: int, rid: str | None = None) -> list[str]:
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            posts = self.bot_posts(rid)
            if len(posts) >= count:
                return [text for _, text, _ in posts]
            await asyncio.sleep(0.02)
        raise AssertionError(f"the bot posted {len(self.bot_posts(rid))} messages, not {count}")

    async def wait_read_by_bot(self, mid: str) -> None:
        """Until the bot's read mark for ``mid`` has reached the server (it marks read after
        handling, in the background)."""
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            if any(uid == self.bot.id for uid, _ in self.server.receipts(mid)):
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"the bot never marked {mid} read")

    async def ask(self, sender: RcUser, rid: str, text: str, tmid: str | None = None) -> str:
        """Post ``text`` and return the bot's reply in that room."""
        before = len(self.bot_posts(rid))
        self.server.send_message(sender, rid, text, tmid)
        return (await self.wait_for_posts(before + 1, rid))[before]


@contextlib.contextmanager
def rc_world(tmp_path: Path, **server_options: Any) -> Iterator[RcWorld]:
    with LocalRocketChat(rate_limit=None, **server_options) as server:
        alice = server.create_user("alice", name="Alice Liddell")
        bob = server.create_user("bob", name="Bob Builder")
        carol = server.create_user("carol", name="Carol Danvers")
        dave = server.create_user("dave", name="Dave Admin")
        bot = server.create_user("receipt-bot", name="Receipt Bot", roles=("bot",))
        general = server.create_room("general", "c", [alice, bob, carol, dave, bot])
        secret = server.create_room("secret", "p", [alice, bob, bot])
        yield RcWorld(server, alice, bob, carol, dave, bot, general, secret, tmp_path / "data")
