"""The acknowledgement pipeline: handled messages are marked read on the server in batches.

A message is acknowledged once its handlers are done (or it was given up). ``add()`` never
blocks; one background task collects messages and flushes a batch when it holds
``ack_batch_size`` messages or its oldest message has waited ``ack_max_delay``. A flush first
records the ids as handled in the store (one transaction), then calls ``backend.mark_read(batch)``.
Recording first means a crash between the two leaves a message "handled but unread": the server
offers it again at the next start, the runtime sees it in the store and only acknowledges it.

A failed flush (server down, rate limit, disk full) keeps its batch at the front and is retried
with exponential backoff; handling goes on meanwhile. Only ``AuthError`` ends the task: the bot
cannot do anything useful without its credentials. ``close()`` makes a last bounded attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from botkit.backends.base import Backend
from botkit.backends.retry import Backoff
from botkit.errors import AuthError
from botkit.models import Message
from botkit.store import Store

__all__ = ["AckBatcher"]

log = logging.getLogger("botkit.acks")


@dataclass(frozen=True, slots=True)
class _Pending:
    message: Message
    added_at: float  # loop time


class AckBatcher:
    def __init__(
        self,
        backend: Backend,
        store: Store,
        *,
        batch_size: int = 1000,
        max_delay: float = 0.25,
        on_acked: Callable[[Sequence[Message]], None] | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self._backend = backend
        self._store = store
        self._batch_size = batch_size
        self._max_delay = max_delay
        self._on_acked = on_acked
        self._backoff = backoff or Backoff(base=0.5, cap=30.0)
        self._pending: list[_Pending] = []
        self._has_items = asyncio.Event()
        self._hurry = asyncio.Event()  # flush now: batch full, flush() or close() waiting
        self._idle = asyncio.Event()  # nothing pending and no flush in progress
        self._idle.set()
        self._closing = asyncio.Event()
        self._flush_waiters = 0
        self._task: asyncio.Task[None] | None = None
        #: Flushes that failed and were retried (for tests and logs).
        self.failed_flushes = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The flushing task; it ends with ``AuthError`` if the server refused the credentials."""
        return self._task

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="botkit-acks")

    def add(self, message: Message) -> None:
        """Queue ``message`` for acknowledgement. Never blocks."""
        now = asyncio.get_running_loop().time()
        self._pending.append(_Pending(message, now))
        self._idle.clear()
        self._has_items.set()
        if len(self._pending) >= self._batch_size:
            self._hurry.set()

    async def flush(self) -> None:
        """Send everything pending now and wait until it is acknowledged (through retries: bound
        it with a timeout if the server may be down)."""
        if self._idle.is_set():
            return
        self._flush_waiters += 1
        self._hurry.set()
        try:
            await self._wait_idle()
        finally:
            self._flush_waiters -= 1

    async def close(self, timeout: float) -> int:
        """Flush what is pending (at most ``timeout`` seconds) and stop. Returns the number of
        messages left unacknowledged (the server will offer them again at the next start)."""
        self._closing.set()
        self._hurry.set()
        if self._task is not None and not self._task.done() and not self._idle.is_set():
            # a task that dies now (AuthError) was already reported through ``task``
            with contextlib.suppress(TimeoutError, Exception):
                async with asyncio.timeout(timeout):
                    await self._wait_idle()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        left = len(self._pending)
        if left:
            log.warning(
                "%d read marks could not be sent before shutdown; those messages stay unread "
                "and are acknowledged at the next start",
                left,
            )
        return left

    async def _wait_idle(self) -> None:
        """Wait until nothing is pending, or the task died (then its error is raised)."""
        if self._task is None:
            raise RuntimeError("AckBatcher.start() was not called")
        idle = asyncio.ensure_future(self._idle.wait())
        try:
            await asyncio.wait({idle, self._task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            idle.cancel()
        if not self._idle.is_set() and self._task.done():
            self._task.result()  # re-raises what ended the task
            raise RuntimeError("the acknowledgement task stopped")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._has_items.wait()
            if not self._hurry.is_set():
                remaining = self._pending[0].added_at + self._max_delay - loop.time()
                if remaining > 0:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(remaining):
                            await self._hurry.wait()
            batch = [p.message for p in self._pending[: self._batch_size]]
            try:
                await self._send(batch)
            except AuthError:
                raise
            except Exception as exc:  # any other failure: keep the batch, retry later
                self.failed_flushes += 1
                delay = self._backoff.next_delay()
                log.warning(
                    "marking %d messages read failed (%s: %s); retrying in %.1fs",
                    len(batch),
                    type(exc).__name__,
                    exc,
                    delay,
                )
                await self._pause(delay)
                continue
            self._backoff.reset()
            del self._pending[: len(batch)]
            if self._on_acked is not None:
                self._on_acked(batch)
            self._after_flush()

    async def _send(self, batch: list[Message]) -> None:
        ids = [m.id for m in batch]
        await asyncio.to_thread(self._store.record_handled, self._backend.name, ids)
        await self._backend.mark_read(batch)
        log.debug("marked %d messages read", len(batch))

    def _after_flush(self) -> None:
        if not self._pending:
            self._has_items.clear()
            self._idle.set()
        urgent = (
            self._flush_waiters > 0
            or self._closing.is_set()
            or len(self._pending) >= self._batch_size
        )
        if not urgent:
            self._hurry.clear()

    async def _pause(self, delay: float) -> None:
        """Back off; a shutdown cuts the wait short, then retries come quickly until it gives
        up."""
        if self._closing.is_set():
            await asyncio.sleep(min(delay, 0.2))
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._closing.wait()
