"""What a plugin's code works with: the ``Context`` a handler gets and the ``PluginEnv`` the host
gives each plugin (``Plugin`` attributes and every ``Context`` are filled from it).

Both are re-exported by ``botkit.plugin``, the place plugins import them from.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from botkit.models import Conversation, Message, User
from botkit.types import KeyValue

if TYPE_CHECKING:
    from botkit.backends.base import Backend
    from botkit.config.settings import Settings
    from botkit.scheduler import Scheduler

__all__ = ["AddJob", "Context", "PluginEnv", "split_text"]

#: How long ``reply_sync`` waits for the loop: a worker thread never hangs on a stopped loop.
_SYNC_TIMEOUT = 120.0


class AddJob(Protocol):
    """The host's side of ``Plugin.schedule``."""

    def __call__(
        self,
        plugin: str,
        method: str,
        *,
        cron: str,
        job_id: str,
        timezone: str | None,
        kwargs: dict[str, Any],
    ) -> None: ...


@dataclass(slots=True, kw_only=True)
class PluginEnv:
    """Everything the host gives one plugin; ``Plugin`` attributes and ``Context`` come from it."""

    name: str
    config: Any
    store: KeyValue
    log: logging.Logger
    backend: Backend
    bot: User
    settings: Settings
    scheduler: Scheduler | None
    loop: asyncio.AbstractEventLoop
    add_job: AddJob


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at line breaks where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:].removeprefix("\n")
    return [*pieces, text] if text else pieces


@dataclass(slots=True, kw_only=True)
class Context:
    """What a handler gets: the message (None for scheduled jobs) and the plugin's services."""

    message: Message | None
    args: str = ""
    config: Any
    store: KeyValue
    backend: Backend
    bot: User
    settings: Settings
    log: logging.Logger
    scheduler: Scheduler | None
    is_admin: bool = False
    #: The regex match of an ``@on_message(regex)`` handler.
    match: re.Match[str] | None = None
    loop: asyncio.AbstractEventLoop = field(repr=False)

    @classmethod
    def from_env(
        cls,
        env: PluginEnv,
        message: Message | None,
        *,
        args: str = "",
        is_admin: bool = False,
        match: re.Match[str] | None = None,
    ) -> Context:
        return cls(
            message=message,
            args=args,
            config=env.config,
            store=env.store,
            backend=env.backend,
            bot=env.bot,
            settings=env.settings,
            log=env.log,
            scheduler=env.scheduler,
            is_admin=is_admin,
            match=match,
            loop=env.loop,
        )

    async def reply(self, text: str) -> str:
        """Answer in the message's conversation (same Zulip topic, same Rocket.Chat thread).
        Returns the id of the (last) message sent; long text is split."""
        if self.message is None:
            raise RuntimeError("nothing to reply to here: use ctx.send(conversation, text)")
        return await self.send(self.message.conversation, text)

    async def send(self, to: Conversation, text: str) -> str:
        """Post ``text`` to ``to``, split where it exceeds the server's message length."""
        if not text.strip():
            raise ValueError("cannot send an empty message")
        message_id = ""
        for piece in split_text(text, self.backend.max_message_length):
            message_id = await self.backend.send(to, piece)
        return message_id

    def reply_sync(self, text: str) -> str:
        """``reply`` for plain ``def`` handlers, which run in a worker thread."""
        return self._run_on_loop(lambda: self.reply(text))

    def send_sync(self, to: Conversation, text: str) -> str:
        """``send`` for plain ``def`` handlers, which run in a worker thread."""
        return self._run_on_loop(lambda: self.send(to, text))

    def _run_on_loop(self, make: Callable[[], Any]) -> str:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            raise RuntimeError("the *_sync methods are for plain def handlers: use await instead")
        future = asyncio.run_coroutine_threadsafe(make(), self.loop)
        result: str = future.result(timeout=_SYNC_TIMEOUT)
        return result
