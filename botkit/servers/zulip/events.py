"""Event queues, as Tornado keeps them (``zerver/tornado/event_queue.py``).

- ids start at 0 per queue; ``last_event_id`` is an acknowledgement: every event with a lower or
  equal id is deleted, and the two errors ("already been pruned", "was not in this queue") follow
  the server's exact checks, including pruning pending events before answering "not in queue".
- ``flags/add/*`` (everything but ``remove read``) events not yet fetched merge into one event
  that takes the newest id ("virtual events").
- A parked long-poll is answered when an event arrives, when a heartbeat falls due, when a newer
  poll on the same queue replaces it, or when the queue is deleted.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botkit.servers.zulip.errors import ZulipError

__all__ = ["ClientQueue", "EventHub", "RawJSON", "encode_events"]


class RawJSON(str):
    """Already-encoded JSON text (a message object shared by many queues: encoded once)."""


MessageFilter = Callable[[Any, int], bool]  # (Message, flag bits) -> accepted


def _full_type(event: dict[str, Any]) -> str:
    if event["type"] == "update_message_flags":
        if event["all"]:
            return f"all_flags/{event['flag']}/{event['op']}"
        return f"flags/{event['op']}/{event['flag']}"
    return str(event["type"])


@dataclass(eq=False)
class ClientQueue:
    id: str
    user_id: int
    event_types: frozenset[str] | None
    message_filter: MessageFilter | None
    apply_markdown: bool
    all_public_streams: bool
    lifespan: float
    narrowed: bool
    cond: threading.Condition
    queue: deque[dict[str, Any]] = field(default_factory=deque)
    next_event_id: int = 0
    newest_pruned_id: int = -1
    virtual: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Token of the parked request, if any; answers for finished tokens wait in ``answers``.
    handler: int | None = None
    answers: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    last_connection_time: float = field(default_factory=time.monotonic)
    deleted: bool = False

    def accepts(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types

    def push(self, event: dict[str, Any]) -> None:
        event = dict(event)
        event["id"] = self.next_event_id
        self.next_event_id += 1
        full_type = _full_type(event)
        if full_type.startswith("flags/") and not full_type.startswith("flags/remove/read"):
            merged = self.virtual.get(full_type)
            if merged is None:
                event["messages"] = list(event["messages"])
                self.virtual[full_type] = event
            else:
                merged["id"] = event["id"]
                merged["messages"] += event["messages"]
            return
        self.queue.append(event)

    def empty(self) -> bool:
        return not self.queue and not self.virtual

    def prune(self, through_id: int) -> None:
        while self.queue and self.queue[0]["id"] <= through_id:
            self.newest_pruned_id = self.queue.popleft()["id"]

    def contents(self) -> list[dict[str, Any]]:
        """All pending events, virtual ones resolved into their place (as Tornado does)."""
        if self.virtual:
            merged = sorted(self.virtual.values(), key=lambda e: int(e["id"]))
            self.virtual = {}
            events = sorted([*self.queue, *merged], key=lambda e: int(e["id"]))
            self.queue = deque(events)
        return list(self.queue)

    def add_event(self, event: dict[str, Any]) -> None:
        self.push(event)
        self.finish_current_handler()

    def finish_current_handler(self) -> bool:
        """Answer the parked request (if any) with the queue's contents."""
        if self.handler is None:
            return False
        self.answers[self.handler] = self.contents()
        self.handler = None
        self.cond.notify_all()
        return True

    def expired(self, now: float) -> bool:
        return self.handler is None and now - self.last_connection_time >= self.lifespan


class EventHub:
    """All queues, by id and by user, plus delivery helpers."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self.queues: dict[str, ClientQueue] = {}
        self.by_user: dict[int, list[ClientQueue]] = {}
        #: Queues that see public-channel messages without being recipients.
        self.public_listeners: list[ClientQueue] = []
        self._tokens = 0

    def next_token(self) -> int:
        self._tokens += 1
        return self._tokens

    def create(
        self,
        user_id: int,
        *,
        event_types: list[str] | None,
        message_filter: MessageFilter | None,
        narrowed: bool,
        apply_markdown: bool,
        all_public_streams: bool,
        lifespan: float,
    ) -> ClientQueue:
        q = ClientQueue(
            id=str(uuid.uuid4()),
            user_id=user_id,
            event_types=None if event_types is None else frozenset(event_types),
            message_filter=message_filter,
            apply_markdown=apply_markdown,
            all_public_streams=all_public_streams,
            lifespan=lifespan,
            narrowed=narrowed,
            cond=threading.Condition(self._lock),
        )
        self.queues[q.id] = q
        self.by_user.setdefault(user_id, []).append(q)
        if all_public_streams or narrowed:
            self.public_listeners.append(q)
        return q

    def access(self, user_id: int, queue_id: str) -> ClientQueue:
        """The user's queue, or BAD_EVENT_QUEUE_ID (also for another user's queue)."""
        q = self.queues.get(queue_id)
        if q is None or q.user_id != user_id:
            raise ZulipError(
                f"Bad event queue ID: {queue_id}", "BAD_EVENT_QUEUE_ID", queue_id=queue_id
            )
        return q

    def delete(self, queue_id: str) -> None:
        q = self.queues.pop(queue_id, None)
        if q is None:
            return
        q.finish_current_handler()
        q.deleted = True
        q.cond.notify_all()
        self.by_user[q.user_id] = [c for c in self.by_user.get(q.user_id, []) if c is not q]
        if q in self.public_listeners:
            self.public_listeners.remove(q)

    def delete_user_queues(self, user_id: int) -> int:
        ids = [q.id for q in self.by_user.get(user_id, [])]
        for qid in ids:
            self.delete(qid)
        return len(ids)

    def gc(self, now: float) -> int:
        expired = [q.id for q in self.queues.values() if q.expired(now)]
        for qid in expired:
            self.delete(qid)
        return len(expired)

    def send_to_user(self, user_id: int, event: dict[str, Any]) -> None:
        for q in self.by_user.get(user_id, ()):
            if q.accepts(event["type"]):
                q.add_event(event)

    def send_to_users(self, user_ids: list[int], event: dict[str, Any]) -> None:
        for uid in user_ids:
            self.send_to_user(uid, event)

    def wake_all(self) -> None:
        for q in list(self.queues.values()):
            q.finish_current_handler()


def encode_event(event: dict[str, Any]) -> str:
    message = event.get("message")
    if isinstance(message, RawJSON):
        flags = json.dumps(event["flags"])
        return f'{{"type":"message","message":{message},"flags":{flags},"id":{event["id"]}}}'
    return json.dumps(event, separators=(",", ":"))


def encode_events(events: list[dict[str, Any]], queue_id: str | None = None) -> bytes:
    """The GET /events success body; ``queue_id`` is added for parked or queue-creating polls."""
    body = '{"result":"success","msg":"","events":[' + ",".join(map(encode_event, events)) + "]"
    if queue_id is not None:
        body += ',"queue_id":' + json.dumps(queue_id)
    return (body + "}").encode()
