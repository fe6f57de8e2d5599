"""Requests as people write them: "who read this?" questions and requests under quotes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from botkit.commands import Invocation, Trigger
from botkit.models import Conversation, Message, User
from botkit.readstatus.asking import invocation, is_request, who_read_argument

BOT = User("100", "Receipt Bot", username="receipt-bot", is_bot=True)
LINK = "https://chat.example.com/#narrow/channel/1-general/topic/x/near/42"


def _message(text: str, *, mention: bool = True, direct: bool = False) -> Message:
    where = (
        Conversation.direct("7,100", ("7", "100"))
        if direct
        else Conversation.channel("1", "general")
    )
    sender = User("7", "Asker")
    return Message("9", sender, where, text, datetime(2026, 1, 1, tzinfo=UTC), mentions_bot=mention)


@pytest.mark.parametrize(
    ("question", "argument"),
    [
        ("who read this?", ""),
        ("Who has read this message?", ""),
        ("who have read it yet?", ""),
        ("who read this? #1", "#1"),
        ("who read 42?", "42"),
        (f"who read {LINK}", LINK),
        (f"who has read {LINK}?", LINK),
    ],
)
def test_questions_name_their_message(question: str, argument: str) -> None:
    name, _, args = question.partition(" ")
    asked = Invocation(name.lower(), args, Trigger.MENTION)
    assert who_read_argument(asked) == argument


@pytest.mark.parametrize("text", ["whoami", "who reads books", "who is here", "who-read 1"])
def test_other_words_are_no_question(text: str) -> None:
    name, _, args = text.partition(" ")
    assert who_read_argument(Invocation(name, args, Trigger.MENTION)) is None


@pytest.mark.parametrize(
    "text",
    [
        "@**Receipt Bot** who read this? #1",
        "@receipt-bot who read this?",
        f"@_**Alice|8** [said]({LINK}):\n```quote\nhi\n```\n@**Receipt Bot** who read this?",
        f"[ ]({LINK}) @receipt-bot who read this?",
    ],
)
def test_questions_addressed_to_the_bot_are_requests(text: str) -> None:
    message = _message(text)
    asked = invocation(message, prefix="!", bot=BOT)
    assert asked is not None
    assert who_read_argument(asked) is not None
    assert is_request(message, prefix="!", bot=BOT)


def test_plain_talk_is_no_request() -> None:
    assert not is_request(_message("who read this?", mention=False), prefix="!", bot=BOT)
    assert not is_request(_message("@**Alice** who read this?"), prefix="!", bot=BOT)
    assert is_request(_message("who read this?", mention=False, direct=True), prefix="!", bot=BOT)
