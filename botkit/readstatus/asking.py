"""Requests to the bot about read status, as people write them.

People ask in three layouts:

- a command: ``!receipts 42``, ``@**Receipt Bot** receipts 42``, ``receipts 42`` in a direct
  message;
- a question addressed to the bot: ``@**Receipt Bot** who read this? #42``, ``who has read
  <link>`` in a direct message (the words after "read" name the message; "this?" alone means the
  quoted message or, on Rocket.Chat, the thread's first message);
- either of those under a quote: Zulip's quote-and-reply puts the quote first (``@_**Alice|8**
  [said](link): ```quote ...``` then the request), Rocket.Chat's puts ``[ ](permalink)`` first.

``is_request`` tells audits which messages are such requests (not worth auditing: the plugin and
``botkit audit`` leave out the same ones); ``who_read_argument`` reads a question.
"""

from __future__ import annotations

import re
from dataclasses import replace

from botkit.commands import Invocation, find_invocation
from botkit.models import Message, User
from botkit.readstatus.refs import find_message_link

__all__ = [
    "WHO_READ",
    "after_quotes",
    "has_quote",
    "invocation",
    "is_request",
    "who_read_argument",
]

#: "who read", "who has read", "who have read" anywhere in a text (a cheap first filter).
WHO_READ = re.compile(r"\bwho(?:\s+ha(?:s|ve))?\s+read\b", re.IGNORECASE)
_QUESTION = re.compile(r"^who(?:\s+ha(?:s|ve))?\s+read\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
#: Words around the message reference that do not name a message.
_FILLER = frozenset(
    {"this", "that", "it", "the", "my", "message", "msg", "post", "one", "please", "pls", "yet"}
)
_TRAILING = "?!.,;:"
#: Zulip's quote-and-reply: a header line with a link, then a ```quote block.
_ZULIP_QUOTE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})quote[ \t]*\n.*?^(?P=fence)[ \t]*$", re.MULTILINE | re.DOTALL
)
#: Rocket.Chat's quote: the quoted message's permalink in an empty link, first in the text.
_ROCKET_QUOTE = re.compile(r"^(?:\s*\[ ?\]\(\S+\))+")


def after_quotes(text: str) -> str | None:
    """The text after the quotes it starts with (None if it quotes nothing)."""
    if find_message_link(text) is None:
        return None
    if _ZULIP_QUOTE.search(text):
        return _ZULIP_QUOTE.split(text)[-1].strip()
    rocket = _ROCKET_QUOTE.match(text)
    return text[rocket.end() :].strip() if rocket else None


def has_quote(message: Message) -> bool:
    return after_quotes(message.text) is not None


def invocation(message: Message, *, prefix: str, bot: User) -> Invocation | None:
    """The command or question ``message`` addresses to the bot, in front of it or under a
    quote."""
    found = find_invocation(message, prefix=prefix, bot=bot)
    if found is not None:
        return found
    rest = after_quotes(message.text)
    if rest is None:
        return None
    return find_invocation(replace(message, text=rest), prefix=prefix, bot=bot)


def is_request(message: Message, *, prefix: str, bot: User) -> bool:
    """Whether ``message`` asks the bot something (``!audit ...``, ``@bot who read this?``,
    a quote with ``!receipts`` under it)."""
    return invocation(message, prefix=prefix, bot=bot) is not None


def who_read_argument(asked: Invocation) -> str | None:
    """For a question ("who read this? #42", "who has read <link>"), the words that name the
    message ("#42", the link; "" when it names none); None when ``asked`` is no such question."""
    question = _QUESTION.match(f"{asked.name} {asked.args}")
    if question is None:
        return None
    words = (word.rstrip(_TRAILING) for word in question["rest"].split())
    return " ".join(w for w in words if w and w.casefold() not in _FILLER)
