"""The bot's own register / get_events loop (``call_on_each_event`` is not fit for this: see
docs of the reference). What it adds:

- register with ``fetch_event_types`` so the bot learns its ``send_read_receipts`` value, the
  realm's settings, the user directory and ``max_message_id``;
- long-polls bounded by the server's ``event_queue_longpoll_timeout_seconds`` plus a margin, so
  a poll thread always ends;
- ``last_event_id`` is acknowledged only when the consumer comes back for the next batch, i.e.
  after every message of the previous one was handed over;
- a lost queue (BAD_EVENT_QUEUE_ID, "already pruned", "not in this queue") means: register again,
  then back-fill through GET /messages from the highest message id seen. The backend drops the
  overlap; the runtime's dedupe would catch it too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from botkit.backends.zulip.client import JSON, ZulipApi, ZulipRequestError

__all__ = ["EVENT_TYPES", "FETCH_EVENT_TYPES", "EventQueue", "fetch_after"]

log = logging.getLogger("botkit.backends.zulip")

#: update_message / delete_message only evict the backend's cache of recent messages.
EVENT_TYPES = [
    "message",
    "update_message",
    "delete_message",
    "user_settings",
    "realm",
    "realm_user",
    "subscription",
]
FETCH_EVENT_TYPES = ["message", "user_settings", "realm", "realm_user", "subscription"]
_LOST_QUEUE = ("has already been pruned", "was not in this queue")
PAGE = 1000
MAX_BACKFILL_PAGES = 1000


def is_lost_queue(error: ZulipRequestError) -> bool:
    if error.code == "BAD_EVENT_QUEUE_ID" or error.msg.lower().startswith("bad event queue id"):
        return True
    return any(hint in error.msg for hint in _LOST_QUEUE)


async def fetch_after(
    api: ZulipApi, after_id: int, *, narrow: list[Any] | None = None
) -> AsyncIterator[list[JSON]]:
    """Pages (oldest first) of the messages with ids above ``after_id``."""
    anchor = after_id + 1  # a numeric anchor includes itself: +1 works on every server version
    for _ in range(MAX_BACKFILL_PAGES):
        result = await api.call(
            "messages",
            "GET",
            {
                "anchor": anchor,
                "num_before": 0,
                "num_after": PAGE,
                "narrow": narrow or [],
                "apply_markdown": False,
                "client_gravatar": True,
            },
        )
        page = [m for m in result.get("messages", []) if int(m["id"]) > after_id]
        if page:
            yield page
            anchor = max(int(m["id"]) for m in page) + 1
        if not page or result.get("found_newest", True):
            return


class EventQueue:
    """One registered queue at a time; ``batches()`` yields lists of message payloads."""

    def __init__(
        self,
        api: ZulipApi,
        on_register: Callable[[JSON], None],
        on_event: Callable[[JSON], None],
    ) -> None:
        self._api = api
        self._on_register = on_register
        self._on_event = on_event
        self.queue_id: str | None = None
        self.last_event_id = -1
        #: Highest message id known to have reached the bot (register's max_message_id, events,
        #: fetched messages): where a back-fill starts.
        self.high_water = 0
        self.longpoll_timeout = 90.0
        self.registrations = 0

    async def register(self) -> JSON:
        result = await self._api.call(
            "register",
            "POST",
            {
                "event_types": EVENT_TYPES,
                "fetch_event_types": FETCH_EVENT_TYPES,
                "apply_markdown": False,
                "client_gravatar": True,
                "client_capabilities": {"notification_settings_null": True},
            },
        )
        self.queue_id = str(result["queue_id"])
        self.last_event_id = int(result.get("last_event_id", -1))
        timeout = result.get("event_queue_longpoll_timeout_seconds")
        if isinstance(timeout, int | float) and timeout > 0:
            self.longpoll_timeout = float(timeout)
        if self.registrations == 0:
            self.saw(int(result.get("max_message_id") or 0))
        self.registrations += 1
        self._on_register(result)
        return result

    def saw(self, message_id: int) -> None:
        self.high_water = max(self.high_water, message_id)

    @property
    def poll_timeout(self) -> float:
        """The client-side bound of one long-poll: the server's timeout plus a margin."""
        return self.longpoll_timeout + max(2.0, 0.1 * self.longpoll_timeout)

    async def batches(self, closed: asyncio.Event) -> AsyncIterator[list[JSON]]:
        """Message payloads, batch by batch, until ``closed`` is set."""
        while not closed.is_set():
            try:
                result = await self._poll(closed)
            except ZulipRequestError as exc:
                if not is_lost_queue(exc):
                    raise
                log.warning("Zulip event queue lost (%s): registering again", exc.msg)
                async for page in self._recover():
                    yield page
                continue
            if result is None:
                return
            events = result.get("events") or []
            messages: list[JSON] = []
            for event in events:
                kind = event.get("type")
                if kind == "message" and isinstance(event.get("message"), dict):
                    payload = dict(event["message"])
                    payload["flags"] = list(event.get("flags") or payload.get("flags") or [])
                    messages.append(payload)
                    self.saw(int(payload["id"]))
                elif kind != "heartbeat":
                    self._on_event(event)
            newest = max((int(e["id"]) for e in events if "id" in e), default=self.last_event_id)
            if messages:
                yield messages
            # the consumer came back for more: everything up to ``newest`` was handed over
            self.last_event_id = max(self.last_event_id, newest)

    async def _poll(self, closed: asyncio.Event) -> JSON | None:
        request = {"queue_id": self.queue_id, "last_event_id": self.last_event_id}
        poll = asyncio.ensure_future(
            self._api.call("events", "GET", request, timeout=self.poll_timeout, longpoll=True)
        )
        stop = asyncio.ensure_future(closed.wait())
        try:
            await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # closed, or the consumer went away: the poll's thread ends when close() deletes
            # the queue (the server answers the parked request) or at the poll timeout
            stop.cancel()
            finished = poll.done()
            if not finished:
                poll.cancel()
        return poll.result() if finished else None

    async def _recover(self) -> AsyncIterator[list[JSON]]:
        since = self.high_water
        await self.register()
        count = 0
        async for page in fetch_after(self._api, since):
            count += len(page)
            for payload in page:
                self.saw(int(payload["id"]))
            yield page
        log.info("back-filled %d message(s) after id %d from GET /messages", count, since)

    async def delete(self) -> None:
        """DELETE /events for the current queue (best effort): the server wakes a parked poll."""
        if self.queue_id is not None:
            await self._api.call_once("events", "DELETE", {"queue_id": self.queue_id})
            self.queue_id = None
