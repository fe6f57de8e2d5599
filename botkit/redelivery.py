"""In-run retries: a message whose handler failed is tried again later in the same run.

Without them a failed message waited for the next start; on Rocket.Chat, which can only mark a
whole room read, one transient failure kept its room unread for the rest of the run. Now the
``attempts``-th failure schedules a retry ``retry_delay * 2 ** (attempts - 1)`` seconds later
(at most an hour, unless ``retry_delay`` is longer; ``retry_delay = 0``: no in-run retries).
The retry fetches the message again (a deleted one is dropped with its failure record; if the
server cannot answer, the copy first received is used) and hands it back to ``Delivery``, which
offers it like any message: same dedupe, same attempt counting. ``cancel_all`` at shutdown
drops the waiting retries; their failure records bring them back at the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from botkit.backends.base import Backend
from botkit.errors import BackendError, MessageNotFound
from botkit.models import Message
from botkit.store import Store

__all__ = ["InRunRetries"]

log = logging.getLogger("botkit.delivery")

#: The longest wait before an in-run retry (seconds), unless ``retry_delay`` itself is longer.
MAX_RETRY_DELAY = 3600.0


class InRunRetries:
    """The failed messages waiting for their retry in this run. ``offer`` gets each message
    when its time comes."""

    def __init__(
        self,
        backend: Backend,
        store: Store,
        retry_delay: float,
        offer: Callable[[Message], Awaitable[None]],
    ) -> None:
        self._backend = backend
        self._store = store
        self._base = retry_delay
        self._offer = offer
        self._waiting: dict[str, asyncio.Task[None]] = {}
        self._closed = False

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._waiting

    def delay(self, attempts: int) -> float:
        """Seconds from the ``attempts``-th failure of a message to its retry (0: none)."""
        return min(self._base * 2.0 ** min(attempts - 1, 30), max(self._base, MAX_RETRY_DELAY))

    def schedule(self, message: Message, attempts: int) -> float | None:
        """Retry ``message`` after its ``attempts``-th failure; returns the delay, or None when
        it waits for the next start (in-run retries off, or shutting down)."""
        delay = self.delay(attempts)
        if delay <= 0 or self._closed or message.id in self._waiting:
            return None
        self._waiting[message.id] = asyncio.create_task(
            self._later(message, delay), name=f"botkit-retry-{message.id}"
        )
        return delay

    async def cancel_all(self) -> int:
        """Drop every waiting retry, and schedule no more; returns how many were dropped."""
        self._closed = True
        waiting = list(self._waiting.values())
        self._waiting.clear()
        for task in waiting:
            task.cancel()
        if waiting:
            await asyncio.wait(waiting)
            log.info(
                "%d failed messages were waiting for a retry: they stay unread and are retried "
                "at the next start",
                len(waiting),
            )
        return len(waiting)

    async def _later(self, message: Message, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            fresh = await self._fetch_again(message)
            if fresh is not None:  # still ours while it waits for a free slot: shutdown cancels it
                log.info("retrying message %s, whose handler failed %gs ago", message.id, delay)
                await self._offer(fresh)
        except Exception:  # nobody awaits this task: say what happened; the record stays
            log.exception("retrying message %s failed; it is retried at the next start", message.id)
        finally:
            self._forget(message.id)

    def _forget(self, message_id: str) -> None:
        if self._waiting.get(message_id) is asyncio.current_task():
            del self._waiting[message_id]

    async def _fetch_again(self, message: Message) -> Message | None:
        """The message as the server has it now (None: it was deleted meanwhile)."""
        try:
            return await self._backend.fetch_message(message.id)
        except MessageNotFound:
            log.warning("message %s failed earlier and is gone now: not retried", message.id)
            await asyncio.to_thread(self._store.clear_failure, self._backend.name, message.id)
            return None
        except BackendError as exc:  # the server is having trouble: retry the copy we have
            log.debug(
                "cannot fetch message %s again (%s): retrying it as received", message.id, exc
            )
            return message
