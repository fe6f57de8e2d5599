"""The bot's lifecycle: one async context manager on one event loop.

::

    async with Bot(settings) as bot:      # data_dir lock, store, backend.connect, plugins, ...
        bot.install_signal_handlers()     # SIGINT / SIGTERM (what ``botkit run`` does)
        await bot.run_until_stopped()     # retries, catch-up, then live messages
    # leaving: stop intake, finish running handlers, flush read marks, stop the scheduler and
    # plugins, close backend and store, release the lock -- the reverse of start-up

``bot.ready`` is set once catch-up is done and live listening has started. Delivery itself
(dedupe, dispatch, retries, acknowledgements) lives in ``botkit.delivery`` and ``botkit.acks``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from types import TracebackType
from typing import Any, Protocol

from botkit import logs
from botkit.backends import create_backend
from botkit.backends.base import Backend, CatchUpLimits
from botkit.backends.retry import Backoff
from botkit.config import Settings
from botkit.data_lock import DataDirLock
from botkit.delivery import Delivery, MessageHost, Outcome
from botkit.errors import AuthError, BackendError
from botkit.models import User
from botkit.signals import SignalHandlers
from botkit.store import STORE_FILENAME, Store

__all__ = ["Bot", "HostedPlugins"]

log = logging.getLogger("botkit.runtime")

#: Handled ids are kept this long (longer if catch-up reaches further back).
_HANDLED_RETENTION = timedelta(days=30)


class HostedPlugins(MessageHost, Protocol):
    """The plugin side as the runtime drives it (``botkit.plugin_host.PluginHost``)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Bot:
    """One bot. ``backend``, ``plugins``, ``host`` and ``store`` may be injected (tests): by
    default the backend comes from ``[bot] backend``, plugins from the loader, the store from
    ``<data_dir>/botkit.sqlite3``. ``host`` replaces the plugin host entirely. Starting takes
    the data_dir's lock (``botkit.data_lock``) whatever was injected: one bot per data_dir."""

    def __init__(
        self,
        settings: Settings,
        *,
        backend: Backend | None = None,
        plugins: Sequence[Any] | None = None,
        host: HostedPlugins | None = None,
        store: Store | None = None,
        ack_backoff: Backoff | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend if backend is not None else create_backend(settings)
        self.ready = asyncio.Event()
        self._plugins = plugins
        self._host = host
        self._store = store
        self._ack_backoff = ack_backoff
        self._bot_user: User | None = None
        self._delivery: Delivery | None = None
        self._stop = asyncio.Event()
        self._stack = contextlib.AsyncExitStack()
        self._signals: SignalHandlers | None = None
        self._lock = DataDirLock(settings.bot.data_dir)
        self.stop_reason = ""

    # ---- what tests and the CLI use ----------------------------------------------------------

    @property
    def bot_user(self) -> User:
        if self._bot_user is None:
            raise RuntimeError("the bot is not connected: use `async with Bot(...)`")
        return self._bot_user

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the bot is not started: use `async with Bot(...)`")
        return self._store

    @property
    def delivery(self) -> Delivery:
        if self._delivery is None:
            raise RuntimeError("the bot is not started: use `async with Bot(...)`")
        return self._delivery

    @property
    def host(self) -> MessageHost:
        """The plugin host messages are handed to (``PluginHost`` unless one was injected)."""
        return self.delivery.host

    def watch(self, message_id: str) -> asyncio.Future[Outcome]:
        """The outcome of one message in this run (see ``Delivery.watch``)."""
        return self.delivery.watch(message_id)

    def stop(self, reason: str = "requested") -> None:
        """Ask for a graceful stop: ``run_until_stopped`` returns, leaving the context shuts
        down."""
        if not self._stop.is_set():
            self.stop_reason = reason
            self._stop.set()

    def install_signal_handlers(self) -> None:
        """SIGINT/SIGTERM stop gracefully; a second one exits at once (130 / 143)."""
        if self._signals is None:
            self._signals = SignalHandlers(self.stop, last_words=self._unfinished)
            self._signals.install()

    # ---- start-up ----------------------------------------------------------------------------

    async def __aenter__(self) -> Bot:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def _start(self) -> None:
        settings = self.settings
        logs.add_secrets(logs.secrets_of(settings))
        self._lock.acquire()  # first: a second bot on this data_dir stops before it does anything
        self._later(self._lock.release, "releasing the data_dir lock")
        store = self._open_store()
        backend = self.backend
        self._bot_user = await backend.connect(store.kv(f"backend:{backend.name}"))
        self._later(backend.close, "closing the connection")
        host, loaded, skipped = await self._start_plugins()
        delivery = Delivery(
            backend, store, host, self.bot_user, settings.delivery, ack_backoff=self._ack_backoff
        )
        self._delivery = delivery
        delivery.acks.start()
        self._later(self._stop_delivery, "finishing delivery")
        self._log_start(loaded, skipped)

    def _open_store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.bot.data_dir / STORE_FILENAME)
        self._later(self._store.close, "closing the store")
        retention = _HANDLED_RETENTION
        max_age = self.settings.catch_up.max_age
        if max_age is not None:
            retention = max(retention, 2 * max_age)
        pruned = self._store.prune_handled(retention)
        if pruned:
            log.debug("forgot %d handled message ids older than %s", pruned, retention)
        return self._store

    async def _start_plugins(self) -> tuple[MessageHost, list[str], list[str]]:
        """The plugin host (started) with the names of loaded and skipped plugins."""
        if self._host is not None:
            await self._host.start()
            self._later(self._host.stop, "stopping plugins")
            return self._host, [], []
        from botkit.plugin_host import PluginHost
        from botkit.plugin_list import load_plugin_list
        from botkit.scheduler import Scheduler

        settings = self.settings
        loaded, errors = load_plugin_list(settings, self._plugins)
        scheduler = Scheduler(settings.scheduler, settings.bot.data_dir)
        host = PluginHost(
            settings,
            loaded,
            backend=self.backend,
            bot_user=self.bot_user,
            store=self.store,
            scheduler=scheduler,
        )
        self._later(scheduler.shutdown, "stopping the scheduler")  # again, in case start failed
        await host.start()  # plugin setup(), then the scheduler with their jobs
        self._later(host.stop, "stopping the scheduler and plugins")
        return host, [p.name for p in loaded], [str(e) for e in errors]

    def _later(self, cleanup: Callable[[], Awaitable[Any] | None], what: str) -> None:
        """Run ``cleanup`` at shutdown (reverse order of registration); a failing one is logged
        and the rest still run."""

        async def run() -> None:
            try:
                result = cleanup()
                if isinstance(result, Awaitable):
                    await result
            except Exception:
                log.exception("shutdown: %s failed", what)

        self._stack.push_async_callback(run)

    def _log_start(self, loaded: list[str], skipped: list[str]) -> None:
        me = self.bot_user
        log.info(
            "botkit started: backend %s, bot user %s (id %s)", self.backend.name, me.name, me.id
        )
        if self._host is None:
            log.info("plugins loaded: %s", ", ".join(loaded) or "none")
            for line in skipped:
                log.warning("plugin skipped: %s", line)
        describe = getattr(self.backend, "describe_read_state", None)
        if callable(describe):
            log.info("read state: %s", describe())

    # ---- running -----------------------------------------------------------------------------

    async def run_until_stopped(self) -> None:
        """Retry failed messages, catch up, then handle live messages until ``stop()`` (or a
        signal). Raises ``AuthError`` if the server rejects the credentials, ``BackendError`` if
        receiving messages failed for good (the traceback is logged)."""
        delivery = self.delivery
        intake = asyncio.create_task(self._intake(), name="botkit-intake")
        stopping = asyncio.create_task(self._stop.wait(), name="botkit-stop")
        watched: set[asyncio.Future[Any]] = {intake, stopping}
        if delivery.acks.task is not None:
            watched.add(delivery.acks.task)
        try:
            done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            intake.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await intake
        acks_task = delivery.acks.task
        if acks_task is not None and acks_task in done and not acks_task.cancelled():
            error = acks_task.exception()
            if error is not None:
                raise error
        if intake in done and not intake.cancelled():
            self._intake_ended(intake.exception())
        log.info("stopping (%s)", self.stop_reason or "requested")

    def _intake_ended(self, error: BaseException | None) -> None:
        if error is None:
            self.stop("the backend stopped delivering messages")
            log.warning("the backend stopped delivering messages")
            return
        if isinstance(error, AuthError):
            raise error
        log.error("receiving messages failed", exc_info=error)
        raise BackendError(f"receiving messages failed: {error}") from error

    async def _intake(self) -> None:
        delivery = self.delivery
        await delivery.retry_failed()
        catch_up = self.settings.catch_up
        if catch_up.enabled:
            max_age = catch_up.max_age if catch_up.max_age else None
            limits = CatchUpLimits(max_messages=catch_up.max_messages, max_age=max_age)
            offered = 0
            async for message in self.backend.catch_up(limits):
                await delivery.submit(message)
                offered += 1
            log.info("caught up: %d messages from while the bot was away", offered)
        messages = self.backend.listen()
        self.ready.set()
        log.info("ready: listening for new messages")
        async for message in messages:
            await delivery.submit(message)

    # ---- shutdown ----------------------------------------------------------------------------

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop("leaving the bot's context")
        try:
            await self._stack.aclose()
        finally:
            if self._signals is not None:
                self._signals.remove()
                self._signals = None
        log.info("stopped")

    def _unfinished(self) -> str:
        """What an immediate exit leaves behind (said by the second signal: must not block)."""
        if self._delivery is None:
            return "no message was being handled yet"
        return self._delivery.unfinished()

    async def _stop_delivery(self) -> None:
        delivery = self.delivery
        loop = asyncio.get_running_loop()
        timeout = self.settings.delivery.shutdown_timeout.total_seconds()
        deadline = loop.time() + timeout
        await delivery.drain(timeout)
        # read marks get what is left of the budget, but always a moment to try
        await delivery.acks.close(max(deadline - loop.time(), min(timeout, 2.0)))
