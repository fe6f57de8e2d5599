"""Catch-up: the messages that arrived while the bot was down, within ``CatchUpLimits``.

Two sources, chosen by the read policy:

- the bot's unread messages (narrow ``is:unread``), when it marks messages read;
- the messages after its local cursor, when it does not.

The window is found from the newest end backwards (pages of at most 1000), so the limits keep the
*most recent* ``max_messages`` messages younger than ``max_age``; the older ones are counted and
logged with their id range, never silently dropped. Anchor ``oldest`` / ``newest`` rather than
``first_unread``, which skips muted topics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botkit.backends.base import CatchUpLimits
from botkit.backends.zulip.client import JSON, ZulipApi

__all__ = ["UNREAD", "CatchUpWindow", "collect"]

UNREAD: list[dict[str, Any]] = [{"operator": "is", "operand": "unread"}]
PAGE = 1000
#: Pages read beyond the window only to count what falls outside it.
COUNT_PAGES = 5


@dataclass
class CatchUpWindow:
    #: To hand over, oldest first.
    messages: list[JSON] = field(default_factory=list)
    #: The bot's own messages met on the way (for unread mode: marked read quietly).
    own_ids: list[int] = field(default_factory=list)
    #: Outside the limits: how many, their id range, and whether counting stopped early.
    skipped: int = 0
    skipped_ids: tuple[int, int] | None = None
    skipped_more: bool = False

    def skip(self, message_id: int) -> None:
        self.skipped += 1
        low, high = self.skipped_ids or (message_id, message_id)
        self.skipped_ids = (min(low, message_id), max(high, message_id))

    def describe_skipped(self, limits: CatchUpLimits) -> str:
        if not self.skipped or self.skipped_ids is None:
            return ""
        low, high = self.skipped_ids
        count = f"{'at least ' if self.skipped_more else ''}{self.skipped}"
        age = f", max_age {limits.max_age}" if limits.max_age is not None else ""
        ids = f"ids {'up to' if self.skipped_more else f'{low} to'} {high}"
        return (
            f"catch-up limits (max_messages {limits.max_messages}{age}) left out {count} older "
            f"message(s), {ids}"
        )


async def collect(
    api: ZulipApi,
    *,
    me_id: int,
    limits: CatchUpLimits,
    now: datetime,
    narrow: list[dict[str, Any]],
    after_id: int | None = None,
) -> CatchUpWindow:
    """The newest messages matching ``narrow`` (and above ``after_id``) within ``limits``."""
    window = CatchUpWindow()
    kept: list[JSON] = []
    cutoff = (now - limits.max_age).timestamp() if limits.max_age else None
    max_pages = math.ceil(max(limits.max_messages, 1) / PAGE) + COUNT_PAGES
    anchor: int | str = "newest"
    for page_number in range(max_pages):
        result = await api.call(
            "messages",
            "GET",
            {
                "anchor": anchor,
                "num_before": PAGE,
                "num_after": 0,
                "narrow": narrow,
                "apply_markdown": False,
                "client_gravatar": True,
            },
        )
        page = sorted(result.get("messages") or [], key=lambda m: int(m["id"]))
        if isinstance(anchor, int):
            page = [m for m in page if int(m["id"]) <= anchor]
        reached_start = False
        for payload in reversed(page):
            message_id = int(payload["id"])
            if after_id is not None and message_id <= after_id:
                reached_start = True
                break
            if int(payload.get("sender_id", -1)) == me_id:
                window.own_ids.append(message_id)
            elif len(kept) < limits.max_messages and (
                cutoff is None or float(payload.get("timestamp", 0)) >= cutoff
            ):
                kept.append(payload)
            else:
                window.skip(message_id)
        if reached_start or not page or result.get("found_oldest", False):
            break
        anchor = int(page[0]["id"]) - 1  # a numeric anchor includes itself
        if page_number == max_pages - 1:
            window.skipped_more = True
    window.messages = list(reversed(kept))
    return window
