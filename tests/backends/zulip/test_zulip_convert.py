"""Zulip payload -> Message: conversations, links in Zulip's own encoding, mentions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from botkit.backends.zulip.convert import dm_conversation, hash_encode, message_link, to_message
from botkit.backends.zulip.directory import UserDirectory
from botkit.models import ConversationKind

SITE = "https://chat.example.com"


def channel_payload(**extra: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "id": 200,
        "sender_id": 10,
        "sender_full_name": "King Hamlet",
        "sender_email": "user10@zulipdev.com",
        "type": "stream",
        "stream_id": 27,
        "display_recipient": "design team",
        "subject": "v2.0 release",
        "content": "**hi**",
        "timestamp": 1795305890,
        "flags": [],
    }
    payload.update(extra)
    return payload


def dm_payload() -> dict[str, object]:
    return {
        "id": 201,
        "sender_id": 10,
        "sender_full_name": "King Hamlet",
        "sender_email": "user10@zulipdev.com",
        "type": "private",
        "display_recipient": [
            {"id": 29, "email": "bot@zulipdev.com", "full_name": "Bot"},
            {"id": 10, "email": "user10@zulipdev.com", "full_name": "King Hamlet"},
            {"id": 8, "email": "user8@zulipdev.com", "full_name": "Cordelia"},
        ],
        "subject": "",
        "content": "hello",
        "timestamp": 1795305891,
        "flags": ["mentioned"],
    }


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("v2.0 release", "v2.2E0.20release"),
        ("100%", "100.25"),
        ("a/b", "a.2Fb"),
        ("café", "caf.C3.A9"),
        ("plain", "plain"),
    ],
)
def test_hash_encoding_matches_zulip(text: str, encoded: str) -> None:
    assert hash_encode(text) == encoded


def test_channel_link_uses_id_slug_topic_and_near() -> None:
    link = message_link(SITE + "/", channel_payload())
    assert link == (
        "https://chat.example.com/#narrow/channel/27-design-team/topic/v2.2E0.20release/near/200"
    )


def test_dm_link_lists_every_participant() -> None:
    assert message_link(SITE, dm_payload()) == f"{SITE}/#narrow/dm/8,10,29/near/201"


def test_channel_message_conversion() -> None:
    directory = UserDirectory()
    directory.load({"realm_users": [{"user_id": 10, "full_name": "Hamlet", "email": "h@x"}]})
    message = to_message(channel_payload(), site=SITE, directory=directory, private_channels={27})
    assert message.id == "200"
    assert message.sender.name == "Hamlet"  # the directory wins over the payload
    assert message.conversation.kind is ConversationKind.CHANNEL
    assert (message.conversation.id, message.conversation.name) == ("27", "design team")
    assert message.conversation.topic == "v2.0 release"
    assert message.conversation.private is True
    assert message.text == "**hi**"
    assert message.timestamp == datetime.fromtimestamp(1795305890, tz=UTC)
    assert message.mentions_bot is False


def test_dm_conversation_id_is_sorted_participants_including_the_bot() -> None:
    message = to_message(dm_payload(), site=SITE, directory=UserDirectory())
    assert message.is_direct
    assert message.conversation.id == "8,10,29"
    assert message.conversation.participants == ("8", "10", "29")
    assert message.sender.name == "King Hamlet"  # unknown to the directory: from the payload
    assert message.mentions_bot is True


def test_wildcard_mentions_do_not_count_as_mentioning_the_bot() -> None:
    payload = channel_payload(flags=["stream_wildcard_mentioned", "wildcard_mentioned"])
    assert not to_message(payload, site=SITE, directory=UserDirectory()).mentions_bot


def test_dm_conversation_sorts_numerically() -> None:
    assert dm_conversation([100, 9, 29]).id == "9,29,100"
