"""Read audits: how well each message of a time window was read, least-read first.

One engine serves the scheduled ``audit`` plugin and the ``botkit audit`` command. It lists the
window's messages through a ``HistorySource``, keeps those that pass the filters, and asks for
each one's read status through a ``Pacer`` (one receipts call per message on Zulip, so a big
audit is paced to stay under the server's rate limit instead of tripping it). Members are
fetched once per conversation for the whole run.

Requests to the bot (``!audit ...``, ``@bot who read this?``, a quote with ``!receipts`` under it)
are left out whoever runs the audit, so the plugin and ``botkit audit`` report the same messages.
A window reaching before 1970 starts at 1970-01-01 (no message is older; earlier dates overflow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from botkit.backends.base import Backend
from botkit.errors import MessageNotFound, RateLimited
from botkit.models import Message, User
from botkit.readstatus.asking import is_request
from botkit.readstatus.engine import ReadStatus, ReadStatusEngine
from botkit.readstatus.history import HistorySource
from botkit.readstatus.pacing import Pacer

__all__ = ["AuditFilter", "AuditReport", "Auditor", "Order", "mentions_any"]

#: ``(done, total)`` after each message.
Progress = Callable[[int, int], None]
Order = Literal["least_read", "oldest", "newest"]

_ZULIP_WILDCARDS = re.compile(r"(?<![\w_])@\*\*(all|everyone|channel|stream|topic)\*\*")
_ROCKET_WILDCARDS = re.compile(r"(?<![\w@])@(all|here)\b")
_MAX_RATE_LIMIT_RETRIES = 3
#: The earliest start of a window.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def mentions_any(text: str, mentions: Sequence[str]) -> bool:
    """Whether ``text`` notifies everyone (``"everyone"``) or one of the named groups
    (Zulip ``@*group*``, Rocket.Chat ``@group``). Silent mentions notify nobody: not counted."""
    for wanted in mentions:
        if wanted.casefold() == "everyone":
            if _ZULIP_WILDCARDS.search(text) or _ROCKET_WILDCARDS.search(text):
                return True
            continue
        group = re.escape(wanted)
        zulip = rf"(?<![\w_])@\*{group}\*(?!\*)"
        rocket = rf"(?<![\w@])@{group}(?![\w.-])"
        if re.search(zulip, text, re.IGNORECASE) or re.search(rocket, text, re.IGNORECASE):
            return True
    return False


def _is_user(user: User, names: Sequence[str]) -> bool:
    wanted = {n.casefold().removeprefix("@") for n in names}
    return bool({user.id, user.username.casefold(), user.name.casefold()} & wanted)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which messages of the window are audited. Empty fields filter nothing."""

    senders: tuple[str, ...] = ()
    topic: str | None = None
    mentions: tuple[str, ...] = ()
    include_bot_messages: bool = False
    #: Messages to leave out whatever else they are (the plugin: requests to the bot).
    ignore: Callable[[Message], bool] | None = None

    def accepts(self, message: Message) -> bool:
        if message.sender.is_bot and not self.include_bot_messages:
            return False
        if self.ignore is not None and self.ignore(message):
            return False
        if self.senders and not _is_user(message.sender, self.senders):
            return False
        topic = message.conversation.topic
        if self.topic is not None and (topic or "").casefold() != self.topic.casefold():
            return False
        return not self.mentions or mentions_any(message.text, self.mentions)


@dataclass(frozen=True, slots=True)
class AuditReport:
    """One channel's audit over ``[start, end]``."""

    channel: str
    start: datetime
    end: datetime
    rows: tuple[ReadStatus, ...]
    #: Messages skipped because they vanished during the audit.
    skipped: int = 0
    absence_means_unread: bool = False

    @property
    def reads(self) -> int:
        return sum(row.read_count for row in self.rows)

    @property
    def possible_reads(self) -> int:
        return sum(row.audience_count for row in self.rows)

    @property
    def percent(self) -> int:
        return round(100 * self.reads / self.possible_reads) if self.possible_reads else 100

    def ordered(self, order: Order = "least_read") -> list[ReadStatus]:
        by_time = sorted(self.rows, key=lambda r: (r.message.timestamp, _id_order(r.message.id)))
        if order == "oldest":
            return by_time
        if order == "newest":
            return by_time[::-1]
        return sorted(by_time, key=lambda r: r.read_count / max(r.audience_count, 1))


def _id_order(message_id: str) -> tuple[int, str]:
    """Numeric ids (Zulip) in numeric order (``3`` before ``11``), others as text after them."""
    if message_id.isascii() and message_id.isdigit():
        return (len(message_id.lstrip("0")), message_id.lstrip("0"))
    return (1 << 30, message_id)


def window_start(end: datetime, since: timedelta) -> datetime:
    """``end - since``, but never before ``EPOCH`` (nor an overflow for an absurd ``since``)."""
    try:
        return max(end - since, EPOCH)
    except OverflowError:
        return EPOCH


class Auditor:
    """Runs audits against one backend (create one per run: member caches live with it).

    ``me`` and ``command_prefix`` (the bot's account and ``[bot] command_prefix``) let it
    recognise requests to the bot, which are left out; without them nothing is."""

    def __init__(
        self,
        backend: Backend,
        history: HistorySource,
        *,
        pacer: Pacer | None = None,
        include_bots: bool = False,
        me: User | None = None,
        command_prefix: str | None = None,
        follow_rate_limit_headers: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine = ReadStatusEngine(backend, include_bots=include_bots, me=me)
        self._me = me
        self._prefix = command_prefix
        self.history = history
        self.pacer = pacer or Pacer()
        self.clock = clock
        self._rate_info = (
            getattr(backend, "rate_limit_info", None) if follow_rate_limit_headers else None
        )

    async def run(
        self,
        channel: str,
        since: timedelta,
        filters: AuditFilter | None = None,
        progress: Progress | None = None,
    ) -> AuditReport:
        filters = filters or AuditFilter()
        end = self.clock()
        start = window_start(end, since)
        await self.pacer.acquire()
        messages = [
            m
            for m in await self.history.history(channel, start)
            if m.timestamp >= start and not self._is_request(m) and filters.accepts(m)
        ]
        rows: list[ReadStatus] = []
        skipped = 0
        for done, message in enumerate(messages, start=1):
            try:
                rows.append(await self._status(message))
            except MessageNotFound:
                skipped += 1  # deleted while we were auditing
            if progress is not None:
                progress(done, len(messages))
        return AuditReport(
            channel=channel,
            start=start,
            end=end,
            rows=tuple(rows),
            skipped=skipped,
            absence_means_unread=self.engine.absence_means_unread,
        )

    def _is_request(self, message: Message) -> bool:
        if self._me is None or self._prefix is None:
            return False
        return is_request(message, prefix=self._prefix, bot=self._me)

    async def _status(self, message: Message) -> ReadStatus:
        for attempt in range(_MAX_RATE_LIMIT_RETRIES + 1):
            await self.pacer.acquire()
            try:
                status = await self.engine.status(message)
            except RateLimited as limited:
                if attempt == _MAX_RATE_LIMIT_RETRIES:
                    raise
                self.pacer.penalize(limited.retry_after)
                continue
            self._feed_pacer()
            return status
        raise AssertionError("unreachable")  # pragma: no cover

    def _feed_pacer(self) -> None:
        """Pass the backend's last seen rate-limit headers on, where it exposes them."""
        info = self._rate_info() if callable(self._rate_info) else None
        if info is not None:
            remaining, reset_at = info
            self.pacer.observe(remaining, reset_at)
