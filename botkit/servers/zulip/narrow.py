"""Narrows and anchored fetches (``zerver/lib/narrow.py``, ``zerver/views/message_fetch.py``).

Candidates come from an index (a channel's ids, the user's unread ids, or the user's rows) and
are walked outward from the anchor with ``bisect``, so a fetch costs about what it returns.
Messages without a UserMessage row appear only for a channel narrow whose history the user may
read (and no ``is:`` term); their flags are ``read|historical``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botkit.servers.zulip.errors import ZulipError
from botkit.servers.zulip.model import HISTORICAL, MENTIONED, READ, STARRED, Channel, Message, ZUser
from botkit.servers.zulip.state import RealmState

__all__ = ["LARGER_THAN_MAX_MESSAGE_ID", "Fetched", "Narrow", "fetch", "parse_terms"]

LARGER_THAN_MAX_MESSAGE_ID = 10_000_000_000_000_000
Predicate = Callable[[Message, int | None], bool]


@dataclass(frozen=True)
class Term:
    operator: str
    operand: Any
    negated: bool = False


def _negate(check: Predicate) -> Predicate:
    return lambda m, b: not check(m, b)


def _bad(what: str) -> ZulipError:
    return ZulipError(f"Invalid narrow operator: {what}", "BAD_NARROW")


def parse_terms(raw: Any) -> list[Term]:
    """Accept both the dict form and the legacy ``[operator, operand]`` pair form."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list):
        raise ZulipError("narrow is not a list")
    terms = []
    for item in raw:
        if isinstance(item, dict) and "operator" in item and "operand" in item:
            terms.append(Term(str(item["operator"]), item["operand"], bool(item.get("negated"))))
        elif isinstance(item, list) and len(item) == 2:
            terms.append(Term(str(item[0]), item[1]))
        else:
            raise ZulipError("Invalid narrow")
    return terms


class Narrow:
    """A narrow resolved against the organization for one user."""

    def __init__(self, state: RealmState, user: ZUser, terms: list[Term]) -> None:
        self.state = state
        self.user = user
        self.channel: Channel | None = None
        self.unread_only = False
        self._checks: list[Predicate] = []
        history = False
        for term in terms:
            check = self._check(term)
            self._checks.append(_negate(check) if term.negated else check)
        if self.channel is not None and state.can_read_history(user, self.channel):
            history = True
        if any(t.operator == "is" and t.operand not in ("resolved", "followed") for t in terms):
            history = False
        self.include_history = history

    def _channel(self, operand: Any) -> Channel:
        if isinstance(operand, int) and not isinstance(operand, bool):
            channel = self.state.channels.get(operand)
        else:
            channel = self.state.channel_by_name(str(operand))
        if channel is None:
            raise _bad(f"unknown channel {operand}")
        return channel

    def _user_ids(self, operand: Any) -> set[int]:
        items = operand if isinstance(operand, list) else str(operand).split(",")
        ids = set()
        for item in items:
            if isinstance(item, int) and item in self.state.users:
                ids.add(item)
                continue
            text = str(item).strip()
            found = self.state.users.get(int(text)) if text.isdigit() else None
            found = found or self.state.user_by_email(text) or self._by_public_email(text)
            if found is None:
                raise _bad(f"unknown user {item}")
            ids.add(found.id)
        return ids

    def _by_public_email(self, email: str) -> ZUser | None:
        for u in self.state.users.values():
            if self.state.public_email(u).lower() == email.lower():
                return u
        return None

    def _check(self, term: Term) -> Predicate:
        op, operand = term.operator, term.operand
        if op in ("channel", "stream"):
            channel = self._channel(operand)
            if not term.negated:
                self.channel = channel
            return lambda m, b: m.channel_id == channel.id
        if op in ("topic", "subject"):
            topic = str(operand).lower()
            return lambda m, b: m.channel_id is not None and m.topic.lower() == topic
        if op == "sender":
            sender = self.user.id if operand == "me" else next(iter(self._user_ids([operand])))
            return lambda m, b: m.sender_id == sender
        if op == "id":
            wanted = int(operand)
            return lambda m, b: m.id == wanted
        if op in ("dm", "pm-with"):
            people = tuple(sorted(self._user_ids(operand) | {self.user.id}))
            return lambda m, b: m.channel_id is None and m.dm_user_ids == people
        if op in ("dm-including", "group-pm-with"):
            person = next(iter(self._user_ids([operand])))
            return lambda m, b: m.channel_id is None and person in m.dm_user_ids
        if op == "search":
            words = str(operand).lower().split()
            return lambda m, b: all(w in (m.content + " " + m.topic).lower() for w in words)
        if op == "channels" and operand == "public":
            return lambda m, b: (
                m.channel_id is not None and self.state.channels[m.channel_id].is_public
            )
        if op == "is":
            return self._is_check(str(operand), term.negated)
        if op == "near":
            return lambda m, b: True
        raise _bad(f"unknown operator {op}")

    def _is_check(self, operand: str, negated: bool) -> Predicate:
        bit = {"unread": READ, "starred": STARRED, "mentioned": MENTIONED}.get(operand)
        if operand == "unread":
            if not negated:
                self.unread_only = True
            return lambda m, b: b is not None and not b & READ
        if bit is not None:
            return lambda m, b: b is not None and bool(b & bit)
        if operand in ("dm", "private"):
            return lambda m, b: m.channel_id is None
        if operand in ("resolved", "followed", "muted", "alerted"):
            return lambda m, b: False
        raise _bad(f"unknown 'is' operand {operand}")

    def bits(self, message_id: int) -> int | None:
        """The caller's flags for a candidate (``read|historical`` for history rows)."""
        bits = self.state.rows[self.user.id].get(message_id)
        if bits is None and self.include_history:
            return READ | HISTORICAL
        return bits

    def matches(self, message: Message, bits: int | None) -> bool:
        return all(check(message, bits) for check in self._checks)

    def candidates(self) -> list[int]:
        if self.channel is not None:
            return self.channel.message_ids
        if self.unread_only:
            return self.state.unread[self.user.id]
        return self.state.row_ids[self.user.id]

    def accepts(self, message_id: int) -> bool:
        bits = self.state.rows[self.user.id].get(message_id)
        if bits is None and not self.include_history:
            return False
        return self.matches(self.state.messages[message_id], bits)


@dataclass
class Fetched:
    ids: list[int]
    anchor: int
    found_anchor: bool
    found_oldest: bool
    found_newest: bool


def fetch(
    narrow: Narrow,
    anchor: int | None,
    anchor_name: str | None,
    num_before: int,
    num_after: int,
    *,
    include_anchor: bool = True,
) -> Fetched:
    """Zulip's anchored range semantics, including its ``found_*`` arithmetic."""
    if anchor_name == "newest":
        anchor = LARGER_THAN_MAX_MESSAGE_ID
    elif anchor_name == "oldest":
        anchor = 0
    elif anchor_name == "first_unread":
        anchor = _first_unread(narrow)
    assert anchor is not None
    anchor = min(anchor, LARGER_THAN_MAX_MESSAGE_ID)
    to_left = anchor == 0
    to_right = anchor >= LARGER_THAN_MAX_MESSAGE_ID
    if to_right:
        num_after = 0
    if num_before > 0 and num_after > 0 and not include_anchor:
        raise ZulipError("The anchor can only be excluded at an end of the range")
    cands = narrow.candidates()
    before: list[int] = []
    if num_before > 0 and not to_left:
        i = bisect_left(cands, anchor) - 1
        while i >= 0 and len(before) < num_before:
            if narrow.accepts(cands[i]):
                before.append(cands[i])
            i -= 1
        before.reverse()
    at: list[int] = []
    if include_anchor and not to_right:
        i = bisect_left(cands, anchor)
        if i < len(cands) and cands[i] == anchor and narrow.accepts(anchor):
            at.append(anchor)
    after: list[int] = []
    if num_after > 0:
        i = bisect_right(cands, anchor)
        while i < len(cands) and len(after) < num_after:
            if narrow.accepts(cands[i]):
                after.append(cands[i])
            i += 1
    return Fetched(
        ids=[*before, *at, *after],
        anchor=anchor,
        found_anchor=bool(at),
        found_oldest=to_left or len(before) < num_before,
        found_newest=to_right or len(after) < num_after,
    )


def _first_unread(narrow: Narrow) -> int:
    state, user = narrow.state, narrow.user
    for mid in state.unread[user.id]:
        if narrow.matches(state.messages[mid], state.rows[user.id][mid]):
            return mid
    return LARGER_THAN_MAX_MESSAGE_ID
