"""Reading a run's outcome from the server: when the bot caught up, and what it cost in calls.

All times are the server's ``time.monotonic()`` (CLOCK_MONOTONIC is system-wide on Linux, so the
bench's own monotonic clock and its children's are the same clock).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bench.procs import wait_until
from bench.servers import BenchServer, Logged
from bench.world import World

__all__ = ["MARK_READ_PATHS", "Calls", "calls_of", "wait_all_read"]

_ID = re.compile(r"/\d+(?=/|$)")
#: Requests that mark messages read, on either server.
MARK_READ_PATHS = (
    "/api/v1/messages/flags",
    "/api/v1/messages/flags/narrow",
    "/api/v1/mark_all_as_read",
    "/api/v1/mark_stream_as_read",
    "/api/v1/mark_topic_as_read",
    "/api/v1/subscriptions.read",
    "/api/v1/chat.readThread",
)
#: Requests that wait for, look for or fetch new messages (how a command reaches the bot).
RECEIVE_PATHS = (
    "/api/v1/events",
    "/api/v1/rooms.get",
    "/api/v1/subscriptions.get",
    "/api/v1/channels.history",
    "/api/v1/groups.history",
    "/api/v1/im.history",
)


@dataclass
class Calls:
    """The requests of one user in a time range."""

    requests: list[Logged] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.requests)

    @property
    def rate_limited(self) -> int:
        return sum(1 for r in self.requests if r.status == 429)

    def by_endpoint(self) -> dict[str, int]:
        counts = Counter(f"{r.method} {_ID.sub('/{id}', r.path)}" for r in self.requests)
        return dict(counts.most_common())

    def count(self, paths: tuple[str, ...]) -> int:
        return sum(1 for r in self.requests if r.path in paths)

    def last_mark_read(self, until: float) -> float | None:
        times = [
            r.at
            for r in self.requests
            if r.path in MARK_READ_PATHS and r.status == 200 and r.at <= until
        ]
        return max(times) if times else None


def calls_of(
    server: BenchServer, user: str, since: float = 0.0, until: float | None = None
) -> Calls:
    return Calls(server.requests_of(user, since, until))


def wait_all_read(world: World, timeout: float, interval: float = 0.05) -> float:
    """Wait until the bot has nothing unread; returns the server time it was first seen so."""

    def probe() -> float | None:
        state = world.server.state(world.bot_ref)
        return float(state["now"]) if int(state["unread"]) == 0 else None

    return wait_until(probe, timeout, "the bot to mark every message read", interval)
