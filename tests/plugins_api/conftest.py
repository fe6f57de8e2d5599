"""Helpers for the plugin API tests: write plugins to files, load them, and talk to a host
backed by the in-memory chat server."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.config.settings import Settings
from botkit.errors import PluginError
from botkit.loader import LoadedPlugin, load_plugins
from botkit.models import Conversation, Message, User
from botkit.plugin_host import PluginHost
from botkit.scheduler import Scheduler
from botkit.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


def make_settings(plugin_dir: Path | None = None, **sections: Any) -> Settings:
    plugins = dict(sections.pop("plugins", {}))
    if plugin_dir is not None:
        plugins.setdefault("paths", [plugin_dir])
    return Settings(plugins=plugins, **sections)


def write_plugins(folder: Path, files: dict[str, str]) -> Path:
    """Write ``{"name.py": code}`` (or ``"pkg/__init__.py"``) under ``folder``."""
    for relative, code in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))
    return folder


def load(settings: Settings) -> tuple[list[LoadedPlugin], list[PluginError]]:
    return load_plugins(settings, bundled=False, entry_points=False)


@dataclass
class Chat:
    """A started PluginHost on a MemoryBackend, with a few people and places."""

    host: PluginHost
    backend: MemoryBackend
    store: Store
    alice: User
    bob: User
    other_bot: User
    general: Conversation

    @property
    def bot(self) -> User:
        return self.backend.bot_user

    def dm(self, user: User) -> Conversation:
        return self.backend.direct(user, self.bot)

    async def send(
        self,
        text: str,
        *,
        sender: User | None = None,
        to: Conversation | None = None,
        mentions_bot: bool = False,
    ) -> list[str]:
        """Deliver a message to the host; return the texts the bot sent in response."""
        message = self.post(text, sender=sender, to=to, mentions_bot=mentions_bot)
        before = len(self.backend.sent)
        await self.host.handle(message)
        return [text for _, text in self.backend.sent[before:]]

    def post(
        self,
        text: str,
        *,
        sender: User | None = None,
        to: Conversation | None = None,
        mentions_bot: bool = False,
    ) -> Message:
        return self.backend.inject_offline(
            text, sender or self.alice, to or self.general, mentions_bot=mentions_bot
        )


ChatFactory = Callable[..., Awaitable[Chat]]


@pytest.fixture
async def chat_factory(tmp_path: Path) -> AsyncIterator[ChatFactory]:
    """``await chat_factory({"greeter.py": code}, acl={...})`` -> a started Chat."""
    hosts: list[PluginHost] = []

    async def make(
        files: dict[str, str] | Path, *, with_scheduler: bool = False, **sections: Any
    ) -> Chat:
        if isinstance(files, Path):
            plugin_dir = files
        else:
            plugin_dir = write_plugins(tmp_path / f"plugins{len(hosts)}", files)
        sections["bot"] = {"data_dir": str(tmp_path / "data"), **sections.get("bot", {})}
        settings = make_settings(plugin_dir, **sections)
        loaded, errors = load(settings)
        assert errors == [], [str(e) for e in errors]
        backend = MemoryBackend(settings)
        alice = backend.add_user("Alice", username="alice")
        bob = backend.add_user("Bob", username="bob")
        other_bot = backend.add_user("Other Bot", username="otherbot", is_bot=True)
        general = backend.add_channel("general", [alice, bob, other_bot], topic="lunch")
        store = Store.in_memory()
        host = PluginHost(
            settings,
            loaded,
            backend=backend,
            bot_user=backend.bot_user,
            store=store,
            scheduler=Scheduler(settings.scheduler, settings.bot.data_dir)
            if with_scheduler
            else None,
        )
        await host.start()
        hosts.append(host)
        return Chat(host, backend, store, alice, bob, other_bot, general)

    yield make
    for host in hosts:
        await host.stop()


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)
