"""Handing one message to the started plugins.

``Dispatcher.handle(message)`` runs every handler the message is for: each matching
``@on_message`` handler, then the command it invokes (by prefix, leading @-mention, or plain text
in a one-to-one direct message). The bot's own messages are ignored, and other bots' unless a
handler opts in with ``include_bots=True``. A failing handler does not stop the others;
``HandlerFailed`` is raised once all have run, so the runtime can retry the message. A command
that raises also gets one short reply (never the exception's text; once per message and run, however
often it is retried), so its sender is not left waiting; ``@on_message`` handlers fail silently,
as they may run on every message.

Words that are no command get "Unknown command", unless a message handler answered the message
(a question such as "@bot who read this?") or, in a direct message, took it.

The ``PluginHost`` owns the plugins' lifecycle and hands each message to its ``Dispatcher``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from botkit import acl
from botkit.backends.base import Backend
from botkit.command_args import ArgumentError, CommandSignature, Param
from botkit.commands import (
    CommandInfo,
    Invocation,
    Trigger,
    find_invocation,
    help_for,
    help_overview,
)
from botkit.config.settings import Settings
from botkit.context import Context, PluginEnv, split_text
from botkit.models import Message, User
from botkit.plugin import Plugin
from botkit.plugin_check import LoadedPlugin

__all__ = ["HELP", "ActivePlugin", "Dispatcher", "HandlerFailed", "HostView", "call_handler"]

log = logging.getLogger("botkit.dispatch")

#: Failed messages remembered so that each is apologised for once per run.
_APOLOGIES_KEPT = 1000

HELP = CommandInfo(
    plugin="botkit",
    name="help",
    help="List the commands you can use, or show how to use one",
    aliases=(),
    admin_only=False,
    include_bots=False,
    signature=CommandSignature((Param("command", "str", optional=True, default=None),)),
    attr="",
)


class HandlerFailed(Exception):
    """One or more handlers raised while handling a message; ``errors`` holds what they raised."""

    def __init__(self, errors: list[BaseException]) -> None:
        self.errors = errors
        summary = "; ".join(f"{type(e).__name__}: {e}" for e in errors)
        super().__init__(f"{len(errors)} handler(s) failed: {summary}")


@dataclass(slots=True)
class ActivePlugin:
    """A started plugin."""

    plugin: LoadedPlugin
    env: PluginEnv
    instance: Plugin | None

    def handler(self, attr: str) -> Callable[..., Any]:
        owner: Any = self.instance if self.instance is not None else self.plugin.target
        func: Callable[..., Any] = getattr(owner, attr)
        return func


async def call_handler(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Await an ``async def``; run a plain ``def`` in a worker thread."""
    if inspect.iscoroutinefunction(func):
        return await func(*args, **kwargs)
    result = await asyncio.to_thread(func, *args, **kwargs)
    return await result if inspect.isawaitable(result) else result


class HostView(Protocol):
    """What the dispatcher reads from its host, live (``PluginHost`` is one)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def backend(self) -> Backend: ...

    @property
    def bot_user(self) -> User: ...

    @property
    def prefix(self) -> str: ...

    @property
    def commands(self) -> list[CommandInfo]: ...


class Dispatcher:
    """Runs, for each message, the handlers of the started plugins (``active``, by name) and the
    command it invokes (``words``: each command name and alias). The host keeps both tables up
    to date as plugins start and stop; settings, backend and bot user are read from it live."""

    def __init__(
        self,
        host: HostView,
        active: dict[str, ActivePlugin],
        words: dict[str, tuple[ActivePlugin, CommandInfo]],
    ) -> None:
        self._host = host
        self._active = active
        self._words = words
        #: Messages whose failed command was already apologised for (a retry in the same run
        #: fails again quietly), oldest first, at most ``_APOLOGIES_KEPT``.
        self._apologised: OrderedDict[str, None] = OrderedDict()

    @property
    def prefix(self) -> str:
        return self._host.prefix

    async def handle(self, message: Message) -> None:
        """Run every handler ``message`` is for; raise ``HandlerFailed`` after all have run if
        any raised."""
        if message.sender.id == self._host.bot_user.id:
            return
        errors: list[BaseException] = []
        handled = await self._run_message_handlers(message, errors)
        invocation = find_invocation(message, prefix=self.prefix, bot=self._host.bot_user)
        if invocation is not None:
            try:
                await self._run_command(message, invocation, handled)
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise HandlerFailed(errors)

    async def _run_message_handlers(
        self, message: Message, errors: list[BaseException]
    ) -> _Handled:
        handled = _Handled()
        for active in list(self._active.values()):
            for handler in active.plugin.message_handlers:
                if message.sender.is_bot and not handler.spec.include_bots:
                    continue
                try:
                    hit, match = handler.spec.matches(message)
                    if not hit:
                        continue
                    handled.matched = True
                    ctx = self._context(active, message, match=match)
                    result = await call_handler(active.handler(handler.attr), ctx)
                    handled.answered |= await self._reply_with(ctx, result)
                except Exception as exc:
                    active.env.log.exception("handler %s failed on message %s",
                                             handler.attr, message.id)  # fmt: skip
                    errors.append(exc)
        return handled

    async def _run_command(
        self, message: Message, invocation: Invocation, handled: _Handled
    ) -> None:
        found = self._words.get(invocation.name)
        info = found[1] if found else (HELP if invocation.name == HELP.name else None)
        if info is None:
            # Not a command, but maybe a question a message handler answered ("@bot who read
            # this?"), or, in a direct message, just talk another handler took care of.
            quiet = (
                message.sender.is_bot
                or handled.answered
                or (invocation.trigger is Trigger.DIRECT and handled.matched)
            )
            if not quiet:
                await self._reply(message, f"Unknown command {invocation.shown(self.prefix)}. "
                                           f"Try {self.prefix}help.")  # fmt: skip
            return
        if message.sender.is_bot and not info.include_bots:
            return
        if not self._allowed(info, message):
            await self._reply(message, self._refusal(info))
            return
        try:
            values = info.signature.parse(invocation.args)
        except ArgumentError as exc:
            await self._reply(message, f"{exc}\nUsage: {info.usage(self.prefix)}")
            return
        if found is None:
            await self._reply(message, self._help_text(message, values[0]))
            return
        active = found[0]
        ctx = self._context(active, message, args=invocation.args)
        try:
            await self._reply_with(ctx, await call_handler(active.handler(info.attr), ctx, *values))
        except Exception:
            active.env.log.exception("command %s failed on message %s", info.name, message.id)
            await self._tell_failure(message, info)
            raise

    async def _tell_failure(self, message: Message, info: CommandInfo) -> None:
        """One short answer for a command that raised, so the asker is not left waiting. The
        exception text stays in the log: it may name internals or carry private data."""
        if message.id in self._apologised:
            return
        self._apologised[message.id] = None
        while len(self._apologised) > _APOLOGIES_KEPT:
            self._apologised.popitem(last=False)
        text = (
            f"Sorry, {self.prefix}{info.name} failed; the error was logged and the message "
            "will be tried again later."
        )
        try:
            await self._reply(message, text)
        except Exception:  # the server may be the reason the command failed
            log.warning("could not tell the sender that %s failed on message %s",
                        info.name, message.id)  # fmt: skip

    def _refusal(self, info: CommandInfo) -> str:
        return f"Sorry, you are not allowed to use {self.prefix}{info.name}."

    def _allowed(self, info: CommandInfo, message: Message) -> bool:
        return acl.is_allowed(
            self._host.settings.acl,
            info.name,
            message.sender,
            message.conversation,
            admin_only=info.admin_only,
        )

    def _help_text(self, message: Message, wanted: str | None) -> str:
        usable = [info for info in self._host.commands if self._allowed(info, message)]
        if wanted is None:
            return help_overview(usable, self.prefix)
        name = wanted.removeprefix(self.prefix).lower()
        for info in self._host.commands:
            if name == info.name or name in info.aliases:
                # the same answer as running it: refused commands are no secret
                allowed = self._allowed(info, message)
                return help_for(info, self.prefix) if allowed else self._refusal(info)
        return f"Unknown command {self.prefix}{name}. Try {self.prefix}help."

    def _context(self, active: ActivePlugin, message: Message, **extra: Any) -> Context:
        is_admin = acl.is_admin(self._host.settings.acl, message.sender)
        return Context.from_env(active.env, message, is_admin=is_admin, **extra)

    async def _reply(self, message: Message, text: str) -> None:
        for piece in split_text(text, self._host.backend.max_message_length):
            await self._host.backend.send(message.conversation, piece)

    @staticmethod
    async def _reply_with(ctx: Context, result: Any) -> bool:
        """Send a handler's returned text as the reply; whether there was one."""
        if isinstance(result, str) and result.strip():
            await ctx.reply(result)
            return True
        return False


@dataclass(slots=True)
class _Handled:
    """What the message handlers did with a message."""

    #: Some handler's filter matched.
    matched: bool = False
    #: Some handler answered with a returned reply.
    answered: bool = False
