"""The bundled receipts and audit plugins in a PluginHost on the memory backend.

End-to-end tests against the local Zulip and Rocket.Chat servers live next to these; this
harness covers the plugins' logic without any server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.config.settings import Settings
from botkit.errors import BackendError
from botkit.loader import load_plugins
from botkit.models import Conversation, Message, User
from botkit.plugin_host import PluginHost
from botkit.scheduler import Scheduler
from botkit.store import Store

T0 = datetime.now(UTC) - timedelta(hours=3)


class HistoryMemoryBackend(MemoryBackend):
    """The memory backend plus the ``HistorySource`` methods audits need."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.posted: list[Message] = []
        self.named: dict[str, Conversation] = {}
        super().__init__(settings)

    def add_channel(
        self, name: str, members: Any, private: bool = False, **kw: Any
    ) -> Conversation:
        conversation = super().add_channel(name, members, private, **kw)
        self.named[name] = conversation
        return conversation

    def _post(self, text: str, sender: User, conversation: Conversation, **kw: Any) -> Message:
        message = super()._post(text, sender, conversation, **kw)
        self.posted.append(message)
        return message

    async def history(self, conversation_name: str, since: datetime) -> list[Message]:
        channel = await self.channel(conversation_name)
        return [m for m in self.posted if m.conversation.id == channel.id and m.timestamp >= since]

    async def channel(self, name: str) -> Conversation:
        if name not in self.named:
            raise BackendError(f"no channel named {name!r}")
        return self.named[name]


@dataclass
class Team:
    host: PluginHost
    backend: HistoryMemoryBackend
    alice: User
    bob: User
    carol: User
    dave: User
    general: Conversation
    secret: Conversation
    announcement: Message
    secret_note: Message

    @property
    def bot(self) -> User:
        return self.backend.bot_user

    async def ask(
        self,
        text: str,
        *,
        sender: User | None = None,
        to: Conversation | None = None,
        mentions_bot: bool = False,
    ) -> list[str]:
        """Deliver a request; return what the bot sent in response."""
        message = self.backend.inject_offline(
            text, sender or self.bob, to or self.general, mentions_bot=mentions_bot
        )
        before = len(self.backend.sent)
        await self.host.handle(message)
        return [sent for _, sent in self.backend.sent[before:]]


TeamFactory = Callable[..., Awaitable[Team]]


@pytest.fixture
async def team_factory(tmp_path: Path) -> AsyncIterator[TeamFactory]:
    hosts: list[PluginHost] = []

    async def make(
        *, scheduler: bool = False, admins: tuple[str, ...] = ("dave",), **plugin_tables: Any
    ) -> Team:
        plugins: dict[str, Any] = {"enabled": ["receipts", "audit"], **plugin_tables}
        settings = Settings(
            bot={"data_dir": str(tmp_path / "data"), "backend": "memory"},
            plugins=plugins,
            acl={"admins": list(admins)},
        )
        loaded, errors = load_plugins(settings, entry_points=False)
        assert errors == [], [str(e) for e in errors]
        backend = HistoryMemoryBackend(settings)
        alice = backend.add_user("Alice", username="alice")
        bob = backend.add_user("Bob", username="bob")
        carol = backend.add_user("Carol", username="carol")
        dave = backend.add_user("Dave", username="dave")
        general = backend.add_channel("general", [alice, bob, carol, dave], topic="news")
        secret = backend.add_channel("secret", [alice, bob], private=True, topic="plans")
        announcement = backend.inject_offline("Lunch at noon", alice, general, at=T0)
        backend.read(bob, announcement, at=T0 + timedelta(minutes=5))
        secret_note = backend.inject_offline("psst", alice, secret, at=T0)
        host = PluginHost(
            settings,
            loaded,
            backend=backend,
            bot_user=backend.bot_user,
            store=Store.in_memory(),
            scheduler=Scheduler(settings.scheduler, settings.bot.data_dir) if scheduler else None,
        )
        await host.start()
        hosts.append(host)
        return Team(
            host, backend, alice, bob, carol, dave, general, secret, announcement, secret_note
        )

    yield make
    for host in hosts:
        await host.stop()
