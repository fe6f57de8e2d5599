"""The plugins as the runtime sees them: start them, hand them messages, run their jobs.

``handle(message)`` runs every handler the message is for: each matching ``@on_message``
handler, then the command it invokes (by prefix, leading @-mention, or plain text in a
one-to-one direct message). The bot's own messages are ignored, and other bots' unless a handler
opts in with ``include_bots=True``. A failing handler does not stop the others; ``HandlerFailed``
is raised once all have run, so the runtime can retry the message.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from botkit import acl
from botkit.backends.base import Backend
from botkit.commands import (
    ArgumentError,
    CommandInfo,
    CommandSignature,
    Invocation,
    Param,
    Trigger,
    find_invocation,
    help_for,
    help_overview,
)
from botkit.config.settings import Settings
from botkit.loader import LoadedPlugin
from botkit.models import Message, User
from botkit.plugin import Context, Plugin, PluginEnv, split_text
from botkit.scheduler import JobSpec, Scheduler, cron_trigger
from botkit.types import KeyValue

__all__ = ["HELP", "HandlerFailed", "PluginHost"]

log = logging.getLogger("botkit.plugins")

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


class StoreLike(Protocol):
    def kv(self, namespace: str) -> KeyValue: ...


@dataclass(slots=True)
class _Active:
    """A started plugin."""

    plugin: LoadedPlugin
    env: PluginEnv
    instance: Plugin | None

    def handler(self, attr: str) -> Callable[..., Any]:
        owner: Any = self.instance if self.instance is not None else self.plugin.target
        func: Callable[..., Any] = getattr(owner, attr)
        return func


async def _call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Await an ``async def``; run a plain ``def`` in a worker thread."""
    if inspect.iscoroutinefunction(func):
        return await func(*args, **kwargs)
    result = await asyncio.to_thread(func, *args, **kwargs)
    return await result if inspect.isawaitable(result) else result


class PluginHost:
    def __init__(
        self,
        settings: Settings,
        plugins: Sequence[LoadedPlugin],
        *,
        backend: Backend,
        bot_user: User,
        store: StoreLike,
        scheduler: Scheduler | None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.bot_user = bot_user
        self.scheduler = scheduler
        self._plugins = list(plugins)
        self._store = store
        self._active: dict[str, _Active] = {}
        self._words: dict[str, tuple[_Active, CommandInfo]] = {}
        self._jobs: dict[str, JobSpec] = {}
        self._setting_up: list[JobSpec] | None = None
        self._started = False

    @property
    def prefix(self) -> str:
        return self.settings.bot.command_prefix

    @property
    def commands(self) -> list[CommandInfo]:
        """Every command of the started plugins (all plugins before ``start``), ``help`` first."""
        plugins = [a.plugin for a in self._active.values()] if self._started else self._plugins
        return [HELP, *(info for plugin in plugins for info in plugin.commands)]

    @property
    def jobs(self) -> list[JobSpec]:
        """Every scheduled job the started plugins declared."""
        return sorted(self._jobs.values(), key=lambda spec: spec.job_id)

    # ---- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Set up each plugin (one whose setup fails is skipped with a logged error), register
        the scheduled jobs, and start the scheduler."""
        if self._started:
            return
        loop = asyncio.get_running_loop()
        for plugin in self._plugins:
            await self._start_plugin(plugin, loop)
        self._started = True
        self._check_acl_names()
        if self.scheduler is not None:
            for spec in self._jobs.values():
                self.scheduler.add(spec)
            await self.scheduler.start(self)

    async def _start_plugin(self, plugin: LoadedPlugin, loop: asyncio.AbstractEventLoop) -> None:
        env = PluginEnv(
            name=plugin.name,
            config=plugin.config,
            store=self._store.kv(f"plugin:{plugin.name}"),
            log=logging.getLogger(f"botkit.plugins.{plugin.name}"),
            backend=self.backend,
            bot=self.bot_user,
            settings=self.settings,
            scheduler=self.scheduler,
            loop=loop,
            add_job=self._add_job,
        )
        active = self._active[plugin.name] = _Active(plugin, env, None)
        self._setting_up = []
        try:
            if isinstance(plugin.target, type):
                active.instance = plugin.target()
                active.instance._attach_env(env)
                await active.instance.setup()
            for job in plugin.jobs:
                cron, zone = job.spec.cron, job.spec.timezone
                job_id = job.job_id.split(":", 1)[1]
                self._add_job(
                    plugin.name, job.attr, cron=cron, job_id=job_id, timezone=zone, kwargs={}
                )
        except Exception:
            self._active.pop(plugin.name, None)
            env.log.exception("plugin %r failed to set up and is skipped", plugin.name)
            return
        finally:
            declared, self._setting_up = self._setting_up, None
        self._jobs.update((spec.job_id, spec) for spec in declared)
        for info in plugin.commands:
            for word in (info.name, *info.aliases):
                self._words[word] = (active, info)

    def _add_job(
        self,
        plugin: str,
        method: str,
        *,
        cron: str,
        job_id: str,
        timezone: str | None,
        kwargs: dict[str, Any],
    ) -> None:
        """``Plugin.schedule``: check the job now, then keep it (during setup) or add it."""
        active = self._active.get(plugin)
        func = getattr(active.instance or active.plugin.target, method, None) if active else None
        if func is None or not callable(func):
            raise ValueError(f"plugin {plugin!r} has no method {method!r} to schedule")
        try:
            inspect.signature(func).bind(None, **kwargs)
        except TypeError as exc:
            raise ValueError(
                f"{method}(ctx, **{kwargs!r}) does not fit its signature: {exc}"
            ) from None
        zone = timezone or self.settings.scheduler.timezone
        cron_trigger(cron, zone)
        spec = JobSpec(f"{plugin}:{job_id}", plugin, method, cron, zone, dict(kwargs))
        if self._setting_up is not None:
            self._setting_up.append(spec)
            return
        self._jobs[spec.job_id] = spec
        if self.scheduler is not None:
            self.scheduler.add(spec)

    def _check_acl_names(self) -> None:
        names = {info.name for info in self.commands}
        for name in self.settings.acl.commands:
            if name in self._words and name not in names:
                primary = self._words[name][1].name
                log.warning("[acl.commands.%s] names an alias: use %s", name, primary)
            elif name not in names:
                log.warning("[acl.commands.%s] names no loaded command", name)

    async def stop(self) -> None:
        """Stop the scheduler, then tear each plugin down (errors are logged)."""
        if self.scheduler is not None:
            await self.scheduler.shutdown()
        for active in reversed(list(self._active.values())):
            if active.instance is None:
                continue
            try:
                await active.instance.teardown()
            except Exception:
                active.env.log.exception("plugin %r failed to tear down", active.plugin.name)
        self._active.clear()
        self._words.clear()
        self._started = False

    # ---- scheduled jobs -----------------------------------------------------------------------

    async def run_scheduled(self, plugin: str, method: str, kwargs: dict[str, Any]) -> None:
        """Run one job now (the scheduler calls this; errors are logged, not raised)."""
        active = self._active.get(plugin)
        if active is None:
            log.warning("scheduled job %s.%s skipped: the plugin is not running", plugin, method)
            return
        try:
            await _call(active.handler(method), Context.from_env(active.env, None), **kwargs)
        except Exception:
            active.env.log.exception("scheduled job %s.%s failed", plugin, method)

    async def run_job(self, job_id: str) -> None:
        """Run a declared job by id, now (for tests and ``botkit`` tooling)."""
        spec = self._jobs.get(job_id)
        if spec is None:
            raise KeyError(f"no scheduled job {job_id!r}; known: {', '.join(self._jobs)}")
        await self.run_scheduled(spec.plugin, spec.method, spec.kwargs)

    # ---- messages -----------------------------------------------------------------------------

    async def handle(self, message: Message) -> None:
        """Run every handler ``message`` is for; raise ``HandlerFailed`` after all have run if
        any raised."""
        if message.sender.id == self.bot_user.id:
            return
        errors: list[BaseException] = []
        matched = await self._run_message_handlers(message, errors)
        invocation = find_invocation(message, prefix=self.prefix, bot=self.bot_user)
        if invocation is not None:
            try:
                await self._run_command(message, invocation, matched)
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise HandlerFailed(errors)

    async def _run_message_handlers(self, message: Message, errors: list[BaseException]) -> bool:
        matched = False
        for active in list(self._active.values()):
            for handler in active.plugin.message_handlers:
                if message.sender.is_bot and not handler.spec.include_bots:
                    continue
                try:
                    hit, match = handler.spec.matches(message)
                    if not hit:
                        continue
                    matched = True
                    ctx = self._context(active, message, match=match)
                    await self._reply_with(ctx, await _call(active.handler(handler.attr), ctx))
                except Exception as exc:
                    active.env.log.exception("handler %s failed on message %s",
                                             handler.attr, message.id)  # fmt: skip
                    errors.append(exc)
        return matched

    async def _run_command(self, message: Message, invocation: Invocation, matched: bool) -> None:
        found = self._words.get(invocation.name)
        info = found[1] if found else (HELP if invocation.name == HELP.name else None)
        if info is None:
            # In a direct message plain text may just be talk another handler took care of.
            quiet = message.sender.is_bot or (invocation.trigger is Trigger.DIRECT and matched)
            if not quiet:
                await self._reply(message, f"Unknown command {self.prefix}{invocation.name}. "
                                           f"Try {self.prefix}help.")  # fmt: skip
            return
        if message.sender.is_bot and not info.include_bots:
            return
        if not self._allowed(info, message):
            await self._reply(
                message, f"Sorry, you are not allowed to use {self.prefix}{info.name}."
            )
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
            await self._reply_with(ctx, await _call(active.handler(info.attr), ctx, *values))
        except Exception:
            active.env.log.exception("command %s failed on message %s", info.name, message.id)
            raise

    def _allowed(self, info: CommandInfo, message: Message) -> bool:
        return acl.is_allowed(
            self.settings.acl,
            info.name,
            message.sender,
            message.conversation,
            admin_only=info.admin_only,
        )

    def _help_text(self, message: Message, wanted: str | None) -> str:
        usable = [info for info in self.commands if self._allowed(info, message)]
        if wanted is None:
            return help_overview(usable, self.prefix)
        name = wanted.removeprefix(self.prefix).lower()
        for info in usable:
            if name == info.name or name in info.aliases:
                return help_for(info, self.prefix)
        return f"Unknown command {self.prefix}{name}. Try {self.prefix}help."

    def _context(self, active: _Active, message: Message, **extra: Any) -> Context:
        is_admin = acl.is_admin(self.settings.acl, message.sender)
        return Context.from_env(active.env, message, is_admin=is_admin, **extra)

    async def _reply(self, message: Message, text: str) -> None:
        for piece in split_text(text, self.backend.max_message_length):
            await self.backend.send(message.conversation, piece)

    @staticmethod
    async def _reply_with(ctx: Context, result: Any) -> None:
        if isinstance(result, str) and result.strip():
            await ctx.reply(result)
