"""Delivery: every message reaches the plugins at least once, and is handled once.

For each message offered by the backend (retries, catch-up, live), in that order:

1. the bot's own message: dropped;
2. seen in this process (in flight, handled or failed here): dropped -- the in-memory fast path;
3. recorded handled in the store (an earlier run): not handled again, but acknowledged again,
   because a crash may have come between recording and marking it read;
4. otherwise dispatched as its own task, at most ``delivery.max_concurrency`` at a time (the
   intake waits for a free slot: back-pressure instead of an unbounded backlog).

A handled message goes to the ``AckBatcher``. A message whose handler raised is logged with its
traceback, counted in the store and left unread. While it has attempts left
(``delivery.max_attempts``) it is tried again in the same run, ``delivery.retry_delay`` after the
failure, doubling per attempt up to an hour: fetched again and offered through ``submit`` like
any message, so dedupe and attempt counting are the same. A shutdown cancels the waiting
retries; those, and failures from earlier runs, are retried at the next start
(``retry_failed``). After the last attempt a message is given up, logged as an error and
acknowledged like a handled one.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

from botkit.acks import AckBatcher
from botkit.backends.base import Backend
from botkit.backends.retry import Backoff
from botkit.config.schema import DeliverySection
from botkit.errors import AuthError, BackendError, MessageNotFound
from botkit.models import Message, User
from botkit.redelivery import InRunRetries
from botkit.store import Store

__all__ = ["Delivery", "MessageHost", "Outcome"]

log = logging.getLogger("botkit.delivery")

#: Ids remembered in memory for the dedupe fast path (the store remembers all of them).
_REMEMBERED_IDS = 10_000


class MessageHost(Protocol):
    """What delivery hands messages to (``botkit.plugin_host.PluginHost``)."""

    async def handle(self, message: Message) -> None: ...


class Outcome(enum.StrEnum):
    HANDLED = "handled"  # handlers done, marked read
    FAILED = "failed"  # a handler raised; left unread, retried later (this run or the next)
    GIVEN_UP = "given up"  # failed max_attempts times; marked read anyway
    DUPLICATE = "duplicate"  # handled before (or in flight); not handled again
    OWN = "own"  # the bot's own message


class Delivery:
    def __init__(
        self,
        backend: Backend,
        store: Store,
        host: MessageHost,
        bot_user: User,
        settings: DeliverySection,
        *,
        ack_backoff: Backoff | None = None,
    ) -> None:
        self._backend = backend
        self._store = store
        self._host = host
        self._bot_user = bot_user
        self._max_attempts = settings.max_attempts
        self._slots = asyncio.Semaphore(settings.max_concurrency)
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._watchers: dict[str, list[asyncio.Future[Outcome]]] = {}
        self._awaiting_ack: dict[str, Outcome] = {}
        self.counts: dict[Outcome, int] = dict.fromkeys(Outcome, 0)
        self.acks = AckBatcher(
            backend,
            store,
            batch_size=settings.ack_batch_size,
            max_delay=settings.ack_max_delay.total_seconds(),
            on_acked=self._acked,
            backoff=ack_backoff,
        )
        self.retries = InRunRetries(
            backend, store, settings.retry_delay.total_seconds(), self._offer_again
        )

    @property
    def host(self) -> MessageHost:
        return self._host

    @property
    def running(self) -> int:
        """Messages being handled right now."""
        return len(self._tasks)

    def unfinished(self) -> str:
        """One sentence on what an exit now would leave unacknowledged. Only reads counters:
        the second-signal handler calls it."""
        marks, running = self.acks.pending, self.running
        if not marks and not running:
            return "no read mark was pending and no message was being handled"
        return (
            f"{_count(marks, 'read mark was', 'read marks were')} still pending and "
            f"{_count(running, 'message was', 'messages were')} still being handled: those "
            "messages stay unread and come back at the next start"
        )

    def watch(self, message_id: str) -> asyncio.Future[Outcome]:
        """A future resolved with the message's outcome in this run: for handled and given-up
        messages once they are marked read. Create it before the message can arrive."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._watchers.setdefault(message_id, []).append(future)
        return future

    async def submit(self, message: Message) -> None:
        """Offer one message; returns once it is dispatched (or dropped)."""
        if message.sender.id == self._bot_user.id:
            self._settle(message.id, Outcome.OWN)
            return
        if message.id in self.retries:  # offered again while its retry waits: that one runs
            self._settle(message.id, Outcome.DUPLICATE)
            return
        await self._offer(message)

    async def _offer_again(self, message: Message) -> None:
        """An in-run retry: past the in-memory dedupe, through the rest of ``submit``."""
        self._recent.pop(message.id, None)
        await self._offer(message)

    async def _offer(self, message: Message) -> None:
        if message.id in self._recent:
            self._recent.move_to_end(message.id)
            self._settle(message.id, Outcome.DUPLICATE)
            return
        if self._store.is_handled(self._backend.name, message.id):
            log.debug("message %s was handled in an earlier run: acknowledging it", message.id)
            self._remember(message.id)
            self.acks.add(message)
            self._settle(message.id, Outcome.DUPLICATE)
            return
        await self._slots.acquire()
        self._remember(message.id)
        task = asyncio.create_task(self._dispatch(message), name=f"botkit-message-{message.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def retry_failed(self) -> None:
        """Offer again the messages whose handlers failed in earlier runs."""
        name = self._backend.name
        for message_id in self._store.pending_retries(name, self._max_attempts):
            try:
                message = await self._backend.fetch_message(message_id)
            except MessageNotFound:
                log.warning("message %s failed earlier and is gone now: not retried", message_id)
                self._store.clear_failure(name, message_id)
                continue
            except AuthError:
                raise
            except BackendError as exc:
                log.warning("cannot fetch message %s to retry it (%s); next start", message_id, exc)
                continue
            log.info("retrying message %s, whose handler failed before", message_id)
            await self.submit(message)

    async def drain(self, timeout: float) -> int:
        """Cancel the waiting in-run retries, let running handlers finish, for at most
        ``timeout`` seconds, and cancel the rest (all of them stay unread and come back at the
        next start). Returns how many handlers were cancelled."""
        await self.retries.cancel_all()  # and a handler failing from now on waits for a restart
        if self._tasks:
            log.info("waiting up to %.0fs for %d running handlers", timeout, len(self._tasks))
            await asyncio.wait(set(self._tasks), timeout=timeout)
        late = set(self._tasks)
        for task in late:
            task.cancel()
        if late:
            log.warning("%d handlers did not finish in time and were cancelled", len(late))
            await asyncio.wait(late)
        return len(late)

    async def _dispatch(self, message: Message) -> None:
        try:
            await self._host.handle(message)
        except asyncio.CancelledError:
            self._cancel_watchers(message.id)
            raise
        except Exception as exc:
            await self._failed(message, exc)
        else:
            self._awaiting_ack[message.id] = Outcome.HANDLED
            self.acks.add(message)
        finally:
            self._slots.release()

    async def _failed(self, message: Message, exc: Exception) -> None:
        from botkit.plugin_host import HandlerFailed

        error = f"{type(exc).__name__}: {exc}"
        # the plugin host already logged each failing handler's traceback
        trace = None if isinstance(exc, HandlerFailed) else exc
        attempts = await asyncio.to_thread(
            self._store.record_failure, self._backend.name, message.id, error
        )
        where = message.conversation.describe()
        if attempts < self._max_attempts:
            delay = self.retries.schedule(message, attempts)
            when = "at the next start" if delay is None else f"in {delay:g}s"
            log.error(
                "handling message %s in %s failed (attempt %d of %d); it stays unread and is "
                "retried %s",
                message.id,
                where,
                attempts,
                self._max_attempts,
                when,
                exc_info=trace,
            )
            self._settle(message.id, Outcome.FAILED)
            return
        log.error(
            "handling message %s in %s failed %d times: giving up, it is marked read",
            message.id,
            where,
            attempts,
            exc_info=trace,
        )
        self._awaiting_ack[message.id] = Outcome.GIVEN_UP
        self.acks.add(message)

    def _acked(self, messages: Sequence[Message]) -> None:
        for message in messages:
            outcome = self._awaiting_ack.pop(message.id, None)
            if outcome is not None:
                self._settle(message.id, outcome)

    def _settle(self, message_id: str, outcome: Outcome) -> None:
        self.counts[outcome] += 1
        for future in self._watchers.pop(message_id, []):
            if not future.done():
                future.set_result(outcome)

    def _cancel_watchers(self, message_id: str) -> None:
        for future in self._watchers.pop(message_id, []):
            future.cancel()

    def _remember(self, message_id: str) -> None:
        self._recent[message_id] = None
        if len(self._recent) > _REMEMBERED_IDS:
            self._recent.popitem(last=False)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
