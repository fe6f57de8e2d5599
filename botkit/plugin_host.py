"""The plugins as the runtime sees them: start them, hand them messages, run their jobs.

``start`` sets each plugin up and registers its commands and scheduled jobs; ``handle(message)``
passes the message to the ``Dispatcher`` (``botkit.dispatch``), which runs every handler it is
for and raises ``HandlerFailed`` once all have run if any failed, so the runtime can retry it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from botkit.backends.base import Backend
from botkit.commands import CommandInfo
from botkit.config.settings import Settings
from botkit.dispatch import HELP, ActivePlugin, Dispatcher, HandlerFailed, call_handler
from botkit.loader import LoadedPlugin
from botkit.models import Message, User
from botkit.plugin import Context, PluginEnv
from botkit.scheduler import JobSpec, Scheduler, cron_trigger
from botkit.types import KeyValue

__all__ = ["HELP", "HandlerFailed", "PluginHost"]

log = logging.getLogger("botkit.plugins")


class StoreLike(Protocol):
    def kv(self, namespace: str) -> KeyValue: ...


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
        self._active: dict[str, ActivePlugin] = {}
        self._words: dict[str, tuple[ActivePlugin, CommandInfo]] = {}
        self._jobs: dict[str, JobSpec] = {}
        self._setting_up: list[JobSpec] | None = None
        self._started = False
        self._dispatch = Dispatcher(self, self._active, self._words)

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
        active = self._active[plugin.name] = ActivePlugin(plugin, env, None)
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
            await call_handler(active.handler(method), Context.from_env(active.env, None), **kwargs)
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
        await self._dispatch.handle(message)
