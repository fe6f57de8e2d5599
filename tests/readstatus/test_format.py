"""Replies name people without notifying them, escape user text, and fit the server's limit."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from botkit.errors import MessageNotFound, ReceiptsDisabled, ServerTooOld
from botkit.models import Conversation, Message, Receipt, User
from botkit.readstatus.engine import ReadStatus
from botkit.readstatus.format import Formatter, error_reply, escape_text, name_list

# What would notify someone: Zulip (non-silent) mentions and wildcards, Rocket.Chat @names.
ZULIP_NOTIFYING = re.compile(r"(?<![\w_])@\*\*[^*]+\*\*|(?<![\w_])@\*[^*]+\*")
ROCKET_NOTIFYING = re.compile(r"(?<![\w@])@[\w.-]+")

SENT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NASTY_NAMES = ["@all", "@**all**", "@*everyone*", "*bold* [x](y)", "a|b", "back`tick", "@here"]


def _status(names: list[str], *, read: int, unread_certain: bool = False) -> ReadStatus:
    users = [User(str(10 + i), name, username=f"user{i}") for i, name in enumerate(names)]
    sender = User("1", "Alice")
    message = Message(
        "42",
        sender,
        Conversation.channel("5", "general", topic="@**all** *lunch*"),
        "Lunch",
        SENT,
        link="https://chat.example.com/#narrow/channel/5-general/topic/lunch/near/42",
    )
    readers = tuple(
        Receipt(u, datetime(2026, 11, 20, 9, 5, tzinfo=UTC) if unread_certain else None)
        for u in users[:read]
    )
    return ReadStatus(message, tuple(users), readers, tuple(users[read:]), unread_certain)


@pytest.mark.parametrize("backend", ["zulip", "rocketchat"])
def test_nasty_names_notify_nobody(backend: str) -> None:
    text = Formatter(backend).reply(_status(NASTY_NAMES, read=3), 10_000)
    pattern = ZULIP_NOTIFYING if backend == "zulip" else ROCKET_NOTIFYING
    assert pattern.findall(text) == []
    assert "@_**Alice|1**" in text if backend == "zulip" else "Alice" in text


def test_zulip_uses_silent_mentions_for_safe_names() -> None:
    text = Formatter("zulip").reply(_status(["Bob", "Carol Smith"], read=1), 10_000)
    assert "Read (1): @_**Bob|10**" in text
    assert "No receipt (1): @_**Carol Smith|11**" in text


def test_rocketchat_shows_read_times_and_says_not_read_yet() -> None:
    text = Formatter("rocketchat").reply(
        _status(["Bob", "Carol"], read=1, unread_certain=True), 10_000
    )
    assert "Read (1): Bob (2026-11-20 09:05 UTC)" in text
    assert "Not read yet (1): Carol" in text
    assert ROCKET_NOTIFYING.findall(text) == []


def test_header_has_counts_percent_link_sender_and_place() -> None:
    text = Formatter("zulip").reply(_status(["Bob", "Carol", "Dave"], read=2), 10_000)
    first = text.splitlines()[0]
    assert first.startswith("**Read by 2 of 3** (67%): [message 42](https://chat.example.com/")
    assert "by @_**Alice|1** in #general > @\u200b\\*\\*all\\*\\* \\*lunch\\*" in first
    assert "sent 2026-11-20 09:00 UTC" in first


def test_long_lists_end_in_and_n_more() -> None:
    names = [f"Person {i:02d}" for i in range(30)]
    text = Formatter("rocketchat", max_names=5).reply(_status(names, read=0), 10_000)
    assert "Person 00, Person 01, Person 02, Person 03, Person 04 and 25 more" in text


def test_reply_shrinks_to_fit_the_server_limit() -> None:
    names = [f"Someone With A Long Name {i}" for i in range(200)]
    text = Formatter("zulip", max_names=200).reply(_status(names, read=100), 1000)
    assert len(text) <= 1000
    assert "more" in text


def test_escape_text_keeps_the_words() -> None:
    assert escape_text("line\nbreak  *x*") == "line break \\*x\\*"
    assert escape_text("@all") == "@\u200ball"


def test_name_list() -> None:
    assert name_list([], 3) == "none"
    assert name_list(["a", "b"], 3) == "a, b"
    assert name_list(["a", "b", "c"], 0) == "3 people"
    assert name_list(["a"], 0) == "1 person"


def test_unknown_and_hidden_messages_get_the_same_reply() -> None:
    usage = "!receipts <message id or link>"
    assert error_reply(MessageNotFound("42"), usage) == error_reply(MessageNotFound("42"), usage)
    assert "can't find message 42, or you can't see it" in error_reply(MessageNotFound("42"), usage)


def test_error_replies_are_specific() -> None:
    usage = "!receipts <message>"
    disabled = error_reply(
        ReceiptsDisabled("Read receipts are disabled in this organization."), usage
    )
    assert "turned off in this organization" in disabled
    premium = error_reply(ReceiptsDisabled("This is an enterprise feature (licence)"), usage)
    assert "premium" in premium
    assert "too old" in error_reply(ServerTooOld("Zulip 6.0 or newer is needed"), usage)


def test_a_name_that_is_not_safe_in_a_silent_mention_is_shown_plain() -> None:
    status = _status(["@**all**"], read=1)
    status = replace(status, message=replace(status.message, link=""))
    text = Formatter("zulip").reply(status, 10_000)
    assert "Read (1): @\u200b\\*\\*all\\*\\*" in text
    assert "[message" not in text
