"""An organization on a bench server: people, channels (rooms), one bot, and message bursts.

Everything is set up through the server's control API. ``World`` hides the two servers'
differences from the scenarios: who the bot is in the request log (Zulip logs the email,
Rocket.Chat the user id), how to address a channel, and the bot's credentials as botkit's
settings want them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.servers import BenchServer

__all__ = ["BOT_NAME", "World", "make_world"]

BOT_NAME = "Bench Bot"
#: Messages per control-API call while a burst is being sent.
SEND_CHUNK = 500


@dataclass
class World:
    server: BenchServer
    #: The bot as the control API names it (Zulip: email, Rocket.Chat: username).
    bot_ref: str
    #: The bot as the request log names it (Zulip: email, Rocket.Chat: user id).
    bot_log_user: str
    bot_id: str
    bot_secret: str  # Zulip api key / Rocket.Chat auth token of this local fake
    senders: list[str]
    channels: list[str]  # Zulip: names; Rocket.Chat: room ids
    channel_names: list[str]
    people: list[dict[str, Any]] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return self.server.backend

    def settings(self, data_dir: Path, **sections: Any) -> dict[str, Any]:
        """botkit settings (as a dict) for the bot of this world."""
        bot: dict[str, Any] = {
            "backend": self.backend,
            "data_dir": str(data_dir),
            "send_read_receipts": True,
            "log_level": "WARNING",
        }
        bot.update(sections.pop("bot", {}))
        settings: dict[str, Any] = {"bot": bot, "plugins": {"enabled": []}}
        if self.backend == "zulip":
            settings["zulip"] = {
                "site": self.server.url,
                "email": self.bot_ref,
                "api_key": self.bot_secret,
            }
        else:
            settings["rocketchat"] = {
                "server_url": self.server.url,
                "user_id": self.bot_id,
                "auth_token": self.bot_secret,
            }
        settings.update(sections)
        return settings

    def message(self, sender: str, channel: str, text: str, topic: str = "bench") -> dict[str, Any]:
        if self.backend == "zulip":
            return {"sender": sender, "channel": channel, "topic": topic, "content": text}
        return {"sender": sender, "rid": channel, "text": text}

    def burst(self, count: int, label: str, mention: bool = False) -> list[dict[str, Any]]:
        """``count`` messages round-robin over senders and channels (topics on Zulip)."""
        pairs = itertools.cycle(itertools.product(self.senders, range(len(self.channels))))
        prefix = f"@**{BOT_NAME}** " if mention and self.backend == "zulip" else ""
        out = []
        for n, (sender, index) in zip(range(count), pairs, strict=False):
            text = f"{prefix}{label} message {n}"
            out.append(self.message(sender, self.channels[index], text, topic=f"topic {n % 3}"))
        return out

    def send(self, messages: list[dict[str, Any]]) -> list[str]:
        """Send in chunks, as fast as the server takes them; returns the message ids."""
        ids: list[str] = []
        for start in range(0, len(messages), SEND_CHUNK):
            chunk = messages[start : start + SEND_CHUNK]
            answer = self.server.control("send_many", messages=chunk)
            ids.extend(str(i) for i in answer.get("ids", answer.get("mids", [])))
        return ids

    def unread(self) -> int:
        """What the bot has not marked read (see ``bench.server_process``)."""
        return int(self.server.state(self.bot_ref)["unread"])


def make_world(
    server: BenchServer,
    *,
    senders: int = 5,
    channels: int = 4,
    members: int = 0,
    bot_receipts: bool = True,
) -> World:
    """People, channels with everyone in them and the bot; ``members`` extra people join only
    the first channel (the big audience of the receipts scenario)."""
    if server.backend == "zulip":
        return _zulip_world(server, senders, channels, members, bot_receipts)
    return _rocket_world(server, senders, channels, members)


def _zulip_world(
    server: BenchServer, senders: int, channels: int, members: int, bot_receipts: bool
) -> World:
    def user(name: str) -> dict[str, Any]:
        made: dict[str, Any] = server.control("create_user", full_name=name)
        return made

    people = [user(f"Sender {n}") for n in range(senders)]
    extra = [user(f"Member {n}") for n in range(members)]
    bot = server.control("create_bot", full_name=BOT_NAME, send_read_receipts=bot_receipts)
    everyone = [p["email"] for p in people] + [bot["email"]]
    names = [f"channel-{n}" for n in range(channels)]
    for n, name in enumerate(names):
        joined = everyone + ([p["email"] for p in extra] if n == 0 else [])
        server.control("create_channel", name=name, subscribers=joined)
    return World(
        server=server,
        bot_ref=bot["email"],
        bot_log_user=bot["email"],
        bot_id=str(bot["id"]),
        bot_secret=bot["api_key"],
        senders=[p["email"] for p in people],
        channels=names,
        channel_names=names,
        people=people + extra,
    )


def _rocket_world(server: BenchServer, senders: int, channels: int, members: int) -> World:
    def user(username: str, name: str, roles: list[str] | None = None) -> dict[str, Any]:
        made: dict[str, Any] = server.control(
            "users", username=username, name=name, roles=roles or ["user"]
        )
        return made

    people = [user(f"sender{n}", f"Sender {n}") for n in range(senders)]
    extra = [user(f"member{n}", f"Member {n}") for n in range(members)]
    # the bot role holds api-bypass-rate-limit, as on a real server
    bot = user("bench-bot", BOT_NAME, ["bot"])
    everyone = [p["username"] for p in people] + [bot["username"]]
    names = [f"channel-{n}" for n in range(channels)]
    rids = []
    for n, name in enumerate(names):
        joined = everyone + ([p["username"] for p in extra] if n == 0 else [])
        rids.append(server.control("rooms", name=name, type="c", members=joined)["rid"])
    return World(
        server=server,
        bot_ref=bot["username"],
        bot_log_user=bot["id"],
        bot_id=bot["id"],
        bot_secret=bot["auth_token"],
        senders=[p["username"] for p in people],
        channels=rids,
        channel_names=names,
        people=people + extra,
    )
