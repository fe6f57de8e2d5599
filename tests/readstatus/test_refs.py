"""Every way a user points at a message: ids, Zulip and Rocket.Chat links, quotes, threads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from botkit.models import Conversation, Message, User
from botkit.readstatus.refs import (
    BadReference,
    ForeignLink,
    find_message_link,
    parse_reference,
    referenced_message_id,
)

ZULIP = "https://chat.example.com"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", "42"),
        ("#42", "42"),
        ("  42 ", "42"),
        (f"{ZULIP}/#narrow/channel/12-general/topic/lunch/near/42", "42"),
        (f"{ZULIP}/#narrow/channel/12-general/topic/lunch/with/42", "42"),
        (f"{ZULIP}/#narrow/stream/12-general/topic/lunch/near/42", "42"),
        (f"{ZULIP}/#narrow/stream/general/subject/lunch/near/42", "42"),
        (f"{ZULIP}/#narrow/dm/8,9-group/near/42", "42"),
        (f"{ZULIP}/#narrow/pm-with/8-alice/near/42", "42"),
        (f"{ZULIP}/#narrow/channel/12-general/topic/a.2Fb/near/42", "42"),
        (f"<{ZULIP}/#narrow/channel/12-general/topic/x/near/42>", "42"),
        (f"[said]({ZULIP}/#narrow/channel/12-general/topic/x/near/42)", "42"),
    ],
)
def test_zulip_ids_and_links(text: str, expected: str) -> None:
    assert parse_reference(text, numeric_ids=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lx3kq9aBcD7fGh2Jk", "Lx3kq9aBcD7fGh2Jk"),
        ("https://rc.example.com/channel/general?msg=Lx3kq9aBcD7fGh2Jk", "Lx3kq9aBcD7fGh2Jk"),
        ("https://rc.example.com/group/secret?msg=abcDEF123", "abcDEF123"),
        ("https://rc.example.com/direct/rid123rid456?msg=abcDEF123", "abcDEF123"),
        ("http://127.0.0.1:5000/channel/general/thread/T1?msg=abcDEF123", "abcDEF123"),
    ],
)
def test_rocketchat_ids_and_permalinks(text: str, expected: str) -> None:
    assert parse_reference(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "abc",  # not a number, and Zulip ids are numbers
        f"{ZULIP}/#narrow/channel/12-general/topic/lunch",  # a topic link, not a message
        "https://example.com/some/page",
        "42; DROP",
    ],
)
def test_malformed_references_say_what_is_wrong(text: str) -> None:
    with pytest.raises(BadReference) as error:
        parse_reference(text, numeric_ids=True)
    assert "message" in str(error.value)


def test_rocketchat_link_without_message_is_rejected() -> None:
    with pytest.raises(BadReference, match="not a link to a message"):
        parse_reference("https://rc.example.com/channel/general")


def _request(text: str, *, thread_id: str | None = None) -> Message:
    asker = User("7", "Asker")
    where = Conversation.channel("1", "general", thread_id=thread_id)
    return Message("99", asker, where, text, datetime(2026, 1, 1, tzinfo=UTC))


QUOTE = (
    "@_**Alice|8** [said](https://chat.example.com/#narrow/channel/12-general/topic/x/near/42):\n"
    "```quote\nLunch at noon!\n```\n"
)


def test_quote_and_reply_points_at_the_quoted_message() -> None:
    assert find_message_link(QUOTE) == "42"
    assert referenced_message_id(None, _request(QUOTE + "@**botkit** receipts")) == "42"


def test_words_under_a_quote_fall_back_to_the_quote() -> None:
    assert referenced_message_id("this?", _request(QUOTE + "who-read this?")) == "42"


def test_an_argument_wins_over_the_quote() -> None:
    assert referenced_message_id("17", _request(QUOTE)) == "17"


def test_thread_parent_is_the_default_inside_a_thread() -> None:
    assert referenced_message_id(None, _request("!receipts", thread_id="T1")) == "T1"


def test_nothing_to_point_at_is_a_usage_problem() -> None:
    with pytest.raises(BadReference, match="no message given"):
        referenced_message_id(None, _request("!receipts"))
    with pytest.raises(BadReference, match="not a message"):
        referenced_message_id("banana split", _request("!receipts banana split"), numeric_ids=True)


@pytest.mark.parametrize(
    "server",
    [ZULIP, "http://chat.example.com", "https://CHAT.example.com:8443/", "chat.example.com"],
)
def test_links_to_the_configured_server_pass_whatever_scheme_or_port(server: str) -> None:
    link = "http://chat.example.com:80/#narrow/channel/12-general/topic/x/near/42"
    assert parse_reference(link, numeric_ids=True, server=server) == "42"
    assert parse_reference("42", numeric_ids=True, server=server) == "42"


@pytest.mark.parametrize(
    "link",
    [
        "http://other.example.com/#narrow/channel/1-general/topic/x/near/1",
        "other.example.com/#narrow/channel/1-general/topic/x/near/1",
        "https://other.example.com/channel/general?msg=Lx3kq9aBcD7fGh2Jk",
    ],
)
def test_a_link_to_another_server_is_refused(link: str) -> None:
    with pytest.raises(ForeignLink, match=r"points to other\.example\.com, not to this server"):
        parse_reference(link, numeric_ids="#narrow" in link, server=ZULIP)
    with pytest.raises(ForeignLink):  # even under a quote, the argument is what was asked
        referenced_message_id(link, _request(QUOTE + link), server=ZULIP)


def test_a_huge_id_is_an_id_not_a_malformed_link() -> None:
    huge = "9" * 25
    assert parse_reference(huge, numeric_ids=True) == huge
    link = f"{ZULIP}/#narrow/channel/1-general/topic/x/near/{huge}"
    assert parse_reference(link, numeric_ids=True) == huge
