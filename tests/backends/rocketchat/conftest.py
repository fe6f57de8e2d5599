"""Shared pieces of the Rocket.Chat backend tests: a local server with people and rooms, settings
for the bot, a fast retry policy, a running backend, the real runtime, and bounded waits."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from botkit.backends.base import CatchUpLimits
from botkit.backends.rocketchat import RetryPolicy, RocketChatBackend
from botkit.config import Settings
from botkit.models import Message
from botkit.runtime import Bot
from botkit.servers.rocketchat import LocalRocketChat, RcUser
from botkit.testing import MemoryKeyValue as DictState

WAIT = 5.0  # seconds any single wait may take before it counts as a failure
POLL = 0.05  # poll interval of the bots under test
FAST_RETRY = RetryPolicy(attempts=4, backoff_base=0.02, backoff_cap=0.1, rate_limit_waits=5)


@dataclass
class World:
    server: LocalRocketChat
    alice: RcUser
    bob: RcUser
    bot: RcUser
    general: str  # public channel: alice, bob, bot
    team: str  # private group: alice, bot
    dm: str  # alice <-> bot
    tmp: Path
    state: DictState = field(default_factory=DictState)

    def settings(
        self,
        *,
        user: RcUser | None = None,
        poll_interval: float = POLL,
        catch_up: dict[str, Any] | None = None,
        **bot: Any,
    ) -> Settings:
        account = user or self.bot
        return Settings.model_validate(
            {
                "catch_up": catch_up or {},
                "bot": {"backend": "rocketchat", "data_dir": str(self.tmp / "data"), **bot},
                "rocketchat": {
                    "server_url": self.server.url,
                    "user_id": account.id,
                    "auth_token": account.auth_token,
                    "poll_interval": poll_interval,
                    "timeout": 5,
                },
            }
        )

    def backend(self, **settings: Any) -> RocketChatBackend:
        return RocketChatBackend(self.settings(**settings), retry=FAST_RETRY)

    def bot_requests(self, path: str | None = None) -> list[Any]:
        return self.server.requests(path=path, user=self.bot.id)


@pytest.fixture
def server() -> Iterator[LocalRocketChat]:
    srv = LocalRocketChat(rate_limit=None).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def world(server: LocalRocketChat, tmp_path: Path) -> World:
    alice = server.create_user("alice", name="Alice", password="alice-pw")
    bob = server.create_user("bob", name="Bob", password="bob-pw")
    bot = server.create_user("bot", name="Bot", password="bot-pw", roles=("bot",))
    general = server.create_room("general", type="c", members=[alice, bob, bot])
    team = server.create_room("team", type="p", members=[alice, bot])
    dm = server.create_dm(alice, bot)
    return World(server, alice, bob, bot, general, team, dm, tmp_path)


async def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Poll ``condition`` until true; fail after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"timed out waiting until {what}") from None


class Listener:
    """Runs ``backend.listen()`` in a task and collects what it yields."""

    def __init__(self, backend: RocketChatBackend) -> None:
        self.backend = backend
        self.messages: list[Message] = []
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async for message in self.backend.listen():
            self.messages.append(message)

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    async def next_text(self, text: str) -> Message:
        await wait_until(lambda: text in self.texts(), f"the backend yields {text!r}")
        return next(m for m in self.messages if m.text == text)


@contextlib.asynccontextmanager
async def listening(
    backend: RocketChatBackend,
    state: DictState,
    catch_up: CatchUpLimits | None = None,
    connect: bool = True,
) -> AsyncIterator[Listener]:
    """Connect ``backend`` (unless done already), optionally catch up, listen in a task, close
    on the way out."""
    if connect:
        await backend.connect(state)
    listener = Listener(backend)
    try:
        if catch_up is not None:
            async for message in backend.catch_up(catch_up):
                listener.messages.append(message)
        listener.start()
        yield listener
    finally:
        if listener.task is not None:
            listener.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener.task
        await backend.close()


class EchoHost:
    """The runtime's plugin host, reduced to: reply "echo: <text>" and remember what came."""

    def __init__(self) -> None:
        self.backend: RocketChatBackend | None = None
        self.handled: list[Message] = []

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def handle(self, message: Message) -> None:
        self.handled.append(message)
        assert self.backend is not None
        await self.backend.send(message.conversation, f"echo: {message.text}")

    def texts(self) -> list[str]:
        return [m.text for m in self.handled]


@contextlib.asynccontextmanager
async def running_bot(world: World, **bot: Any) -> AsyncIterator[tuple[Bot, EchoHost]]:
    """The real runtime (``botkit.runtime.Bot``) on this backend, until the block ends."""
    settings = world.settings(**bot)
    backend = RocketChatBackend(settings, retry=FAST_RETRY)
    host = EchoHost()
    host.backend = backend
    async with Bot(settings, backend=backend, host=host) as runtime:
        task = asyncio.create_task(runtime.run_until_stopped())
        try:
            async with asyncio.timeout(WAIT):
                await runtime.ready.wait()
            yield runtime, host
        finally:
            runtime.stop("test over")
            async with asyncio.timeout(WAIT):
                await asyncio.wait({task})
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
