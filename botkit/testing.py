"""Test helpers for plugin authors: run plugins in a real ``Bot`` on the in-memory backend.

::

    from botkit.testing import BotHarness

    async def test_hello() -> None:
        async with BotHarness(plugins=[Greeter], config={"plugins": {"greeter": {}}}) as h:
            alice = h.user("alice")
            assert await h.say("!hello world", sender=alice) == ["Hello, world"]
            assert await h.say("hi", sender=alice, direct=True) == [...]
            assert h.marked_read == [...]   # ids the bot acknowledged, in order

Or with the pytest fixture (registered automatically through the ``pytest11`` entry point)::

    async def test_hello(bot_harness) -> None:
        h = await bot_harness(plugins=[Greeter])
        ...

``say`` waits -- on the bot's own events, bounded by ``timeout`` -- until the message is
handled and marked read, and returns the texts the bot posted meanwhile.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from botkit.backends.memory import MemoryBackend
from botkit.config import Settings
from botkit.delivery import Outcome
from botkit.models import Conversation, Message, User
from botkit.plugin_list import load_plugin_list
from botkit.runtime import Bot, HostedPlugins

__all__ = ["BotHarness", "MemoryKeyValue", "Outcome", "bot_harness"]


class MemoryKeyValue:
    """A ``KeyValue`` in a dict: the ``state`` a backend test passes to ``connect``. Keep the
    object to simulate a restart; ``data`` shows what was stored."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)

    def keys(self, prefix: str = "") -> list[str]:
        return [k for k in self.data if k.startswith(prefix)]


#: What the harness changes from the defaults (a user's ``config`` wins): acknowledge at once.
_HARNESS_DEFAULTS: dict[str, Any] = {"delivery": {"ack_max_delay": "0s"}}


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping):
            current = merged.get(key)
            merged[key] = _merge(current if isinstance(current, dict) else {}, value)
        else:
            merged[key] = value
    return merged


class BotHarness:
    """A running bot with ``plugins`` on a ``MemoryBackend`` and a temporary data dir.

    ``config`` is the TOML configuration as a dict (``{"plugins": {"echo": {...}}}``).
    Plugins given here are the only ones loaded, and a plugin that fails validation raises its
    ``PluginError`` at once. ``host`` replaces the plugin host (the runtime's own tests).
    """

    def __init__(
        self,
        plugins: Sequence[Any] = (),
        config: Mapping[str, Any] | None = None,
        *,
        backend: MemoryBackend | None = None,
        data_dir: Path | None = None,
        timeout: float = 5.0,
        host: HostedPlugins | None = None,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="botkit-test-")
            data_dir = Path(self._tmp.name)
        settings_data = _merge(_HARNESS_DEFAULTS, config or {})
        settings_data = _merge(settings_data, {"bot": {"backend": "memory"}})
        settings_data["bot"].setdefault("data_dir", str(data_dir))
        self.settings = Settings.model_validate(settings_data)
        self.backend = backend if backend is not None else MemoryBackend(self.settings)
        self.timeout = timeout
        self._plugins = list(plugins)
        self._host = host
        self._bot: Bot | None = None
        self._run: asyncio.Task[None] | None = None
        self._users: dict[str, User] = {}
        self._channels: dict[str, Conversation] = {}
        self._watches: dict[str, asyncio.Future[Outcome]] = {}

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            raise RuntimeError("the harness is not running: use `async with BotHarness(...)`")
        return self._bot

    @property
    def bot_user(self) -> User:
        return self.backend.bot_user

    @property
    def marked_read(self) -> list[str]:
        """Ids of the messages the bot acknowledged, in order."""
        return [message_id for batch in self.backend.marked_read for message_id in batch]

    @property
    def sent(self) -> list[tuple[Conversation, str]]:
        return list(self.backend.sent)

    # ---- people and places -------------------------------------------------------------------

    def user(self, name: str, *, is_bot: bool = False) -> User:
        """The user called ``name`` (created on first use, a member of ``#general``)."""
        if name not in self._users:
            self._users[name] = self.backend.add_user(name, is_bot=is_bot)
            self._channels.pop("general", None)  # rebuilt with the new member
        return self._users[name]

    def channel(self, name: str = "general", members: Sequence[User] | None = None) -> Conversation:
        """The channel ``name`` (created on first use; by default every known user is in it)."""
        if name not in self._channels:
            chosen = list(self._users.values()) if members is None else list(members)
            self._channels[name] = self.backend.add_channel(name, chosen)
        return self._channels[name]

    # ---- talking to the bot ------------------------------------------------------------------

    async def say(
        self,
        text: str,
        *,
        sender: User | None = None,
        direct: bool = False,
        channel: Conversation | str | None = None,
        mentions_bot: bool = False,
        expect: Outcome | None = Outcome.HANDLED,
    ) -> list[str]:
        """Post ``text`` (in ``#general`` unless ``channel`` or ``direct``), wait until the bot
        is done with it, and return the bot's replies. Raises ``AssertionError`` if the outcome
        is not ``expect`` (``None`` accepts any)."""
        message = self.post(
            text, sender=sender, direct=direct, channel=channel, mentions_bot=mentions_bot
        )
        before = len(self.backend.sent)
        result = await self.outcome(message)
        if expect is not None and result is not expect:
            raise AssertionError(
                f"message {text!r} was {result}, expected {expect}; see the log for why"
            )
        return [sent_text for _, sent_text in self.backend.sent[before:]]

    def post(
        self,
        text: str,
        *,
        sender: User | None = None,
        direct: bool = False,
        channel: Conversation | str | None = None,
        mentions_bot: bool = False,
    ) -> Message:
        """Post without waiting (pair it with ``outcome``)."""
        author = sender if sender is not None else self.user("tester")
        if direct:
            where = self.backend.direct(author, self.bot_user)
        elif isinstance(channel, Conversation):
            where = channel
        else:
            where = self.channel(channel or "general")
        message = self.backend.inject(text, author, where, mentions_bot=mentions_bot)
        # watched before the loop can run: the outcome cannot be missed
        self._watches[message.id] = self.bot.watch(message.id)
        return message

    async def outcome(self, message: Message) -> Outcome:
        """Wait (bounded) for what became of ``message`` in this run."""
        future = self._watches.pop(message.id, None) or self.bot.watch(message.id)
        run = self._run
        assert run is not None
        either: set[asyncio.Future[Any]] = {future, run}
        try:
            async with asyncio.timeout(self.timeout):
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not finish message {message.text!r} within {self.timeout}s"
            ) from None
        if not future.done():
            run.result()  # the bot stopped: raise why
            raise AssertionError("the bot stopped before handling the message")
        return future.result()

    async def run_job(self, job_id: str) -> list[str]:
        """Run a plugin's scheduled job now (``"<plugin>:<job id>"``); returns what it posted."""
        from botkit.plugin_host import PluginHost

        host = self.bot.host
        if not isinstance(host, PluginHost):
            raise RuntimeError("run_job needs the real plugin host")
        before = len(self.backend.sent)
        async with asyncio.timeout(self.timeout):
            await host.run_job(job_id)
        return [text for _, text in self.backend.sent[before:]]

    # ---- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> BotHarness:
        plugins: list[Any] | None = None
        if self._host is None:
            plugins, errors = load_plugin_list(self.settings, self._plugins)
            if errors:
                raise errors[0]
        self._bot = Bot(self.settings, backend=self.backend, plugins=plugins, host=self._host)
        await self._bot.__aenter__()
        self._run = asyncio.create_task(self._bot.run_until_stopped(), name="botkit-harness")
        ready = asyncio.ensure_future(self._bot.ready.wait())
        try:
            async with asyncio.timeout(self.timeout):
                await asyncio.wait({self._run, ready}, return_when=asyncio.FIRST_COMPLETED)
        except TimeoutError:
            await self.__aexit__(None, None, None)
            raise AssertionError(f"the bot was not ready within {self.timeout}s") from None
        finally:
            ready.cancel()
        if self._run.done():
            error = self._run.exception()
            await self.__aexit__(None, None, None)
            if error is not None:
                raise error
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        bot, run = self._bot, self._run
        self._run = None
        try:
            if bot is not None:
                bot.stop("test finished")
                if run is not None:
                    async with asyncio.timeout(self.timeout):
                        await asyncio.wait({run})
                await bot.__aexit__(exc_type, exc, tb)
            if run is not None and not run.cancelled() and exc is None:
                run.result()  # a bot that died during the test fails it
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()


async def _harness_factory() -> AsyncIterator[Callable[..., Awaitable[BotHarness]]]:
    started: list[BotHarness] = []

    async def make(*args: Any, **kwargs: Any) -> BotHarness:
        harness = BotHarness(*args, **kwargs)
        await harness.__aenter__()
        started.append(harness)
        return harness

    try:
        yield make
    finally:
        for harness in reversed(started):
            await harness.__aexit__(None, None, None)


try:  # the fixture exists only where pytest (and pytest-asyncio) are installed
    import pytest_asyncio
except ImportError:  # pragma: no cover - botkit.testing is also usable without pytest
    pass
else:
    #: ``h = await bot_harness(plugins=[...], config={...})``; every harness is stopped after
    #: the test.
    bot_harness = pytest_asyncio.fixture(_harness_factory, name="bot_harness")
