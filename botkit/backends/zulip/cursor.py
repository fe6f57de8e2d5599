"""The local cursor: the highest message id below which everything handed out was handled.

Kept in the backend's ``state`` namespace under ``"cursor"``. It is what catch-up starts from
when the bot does not mark messages read, and it is updated in every mode.

Handlers run concurrently, so "the highest id handled" would skip a message still being handled
when the bot stops. The cursor therefore stays below the oldest message handed out and not yet
acknowledged; a message the runtime never acknowledges stops holding it back after
``stale_after`` seconds. Anything handled twice because of this is deduped by the runtime.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from botkit.types import KeyValue

__all__ = ["Cursor"]

KEY = "cursor"


class Cursor:
    def __init__(
        self,
        state: KeyValue,
        *,
        stale_after: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._state = state
        self._stale_after = stale_after
        self._clock = clock
        self._outstanding: dict[int, float] = {}  # handed out, not yet acknowledged
        self._acked_max = 0

    @property
    def value(self) -> int | None:
        raw = self._state.get(KEY)
        return int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else None

    def start_at(self, message_id: int) -> None:
        """First start in cursor mode: begin at ``message_id`` (older ones are history)."""
        if self.value is None:
            self._state.set(KEY, int(message_id))

    def handed_out(self, message_id: int) -> None:
        self._outstanding.setdefault(message_id, self._clock())

    def handled(self, message_ids: Iterable[int]) -> None:
        ids = list(message_ids)
        if not ids:
            return
        for message_id in ids:
            self._outstanding.pop(message_id, None)
        self._acked_max = max(self._acked_max, *ids)
        cutoff = self._clock() - self._stale_after
        for message_id, since in list(self._outstanding.items()):
            if since < cutoff:
                del self._outstanding[message_id]
        candidate = self._acked_max
        if self._outstanding:
            candidate = min(candidate, min(self._outstanding) - 1)
        current = self.value
        if current is None or candidate > current:
            self._state.set(KEY, candidate)
