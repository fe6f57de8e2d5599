"""Chat replies about read status that never notify anyone and never break formatting.

Names and topics are user-chosen text: a user may call themselves ``@all``, ``@**all**`` or
``*bold*``. Everything user-chosen goes through ``escape_text`` (Markdown specials escaped, and a
zero-width space after every ``@`` so no server sees a mention in it). People are shown as Zulip
*silent* mentions (``@_**Name|id**``, which link without notifying) when the name is safe inside
that syntax, otherwise as escaped plain names; Rocket.Chat gets plain names (a mention there is
``@username``, which we never write).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from botkit.errors import (
    BotkitError,
    MessageNotFound,
    NotSupported,
    ReceiptsDisabled,
    ServerTooOld,
)
from botkit.models import Message, User
from botkit.readstatus.engine import ReadStatus

__all__ = [
    "NO_RECEIPT_EXPLAINED",
    "Formatter",
    "error_reply",
    "escape_text",
    "name_list",
]

_ZWSP = "\u200b"
# the characters Markdown (Python-Markdown, which Zulip extends) lets a backslash escape and
# that mean something inside a line; "@" is handled separately
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]()#|])")
_SAFE_IN_SILENT_MENTION = re.compile(r"^[^*|`\\\[\]<>@\n\r]+$")

#: Said once, in the command's help text, which is the same on every backend.
NO_RECEIPT_EXPLAINED = (
    'On Rocket.Chat, "Not read yet" lists who has not read the message. On Zulip, "No receipt" '
    "lists who has not read it or has turned off read receipts (Zulip hides those readers on "
    "purpose, so botkit cannot tell them apart)."
)


def escape_text(text: str) -> str:
    """User text made inert: one line, Markdown escaped, no mention can form."""
    one_line = " ".join(text.split())
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", one_line)
    return escaped.replace("@", "@" + _ZWSP)


def name_list(items: Sequence[str], limit: int) -> str:
    """``a, b, c and 4 more`` (``limit`` items at most; ``none`` when empty)."""
    if not items:
        return "none"
    shown = list(items[: max(0, limit)])
    rest = len(items) - len(shown)
    if rest <= 0:
        return ", ".join(shown)
    if not shown:
        return f"{rest} people" if rest != 1 else "1 person"
    return f"{', '.join(shown)} and {rest} more"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


class Formatter:
    """Replies for one backend (``zulip`` uses silent mentions; others plain names)."""

    def __init__(self, backend_name: str, *, max_names: int = 20) -> None:
        self.backend_name = backend_name
        self.max_names = max_names

    def person(self, user: User) -> str:
        name = " ".join(user.name.split()) or user.username or user.id
        if self.backend_name == "zulip" and _SAFE_IN_SILENT_MENTION.match(name):
            return f"@_**{name}|{user.id}**"
        return escape_text(name)

    def where(self, message: Message) -> str:
        conversation = message.conversation
        if conversation.is_direct:
            return "a direct message"
        label = "#" + escape_text(conversation.name or conversation.id)
        if conversation.topic:
            label += " > " + escape_text(conversation.topic)
        if conversation.thread_id:
            label += " (thread)"
        return label

    def message_label(self, message: Message) -> str:
        label = f"message {escape_text(message.id)}"
        return f"[{label}]({message.link})" if message.link else label

    def reply(self, status: ReadStatus, max_length: int) -> str:
        """The answer to "who read this?", shortened to fit ``max_length`` characters."""
        limit = self.max_names
        text = self._reply(status, limit)
        while len(text) > max_length and limit > 0:
            limit //= 2
            text = self._reply(status, limit)
        return text[:max_length]

    def _reply(self, status: ReadStatus, limit: int) -> str:
        message = status.message
        head = (
            f"**Read by {status.read_count} of {status.audience_count}** ({status.percent}%): "
            f"{self.message_label(message)} by {self.person(message.sender)} "
            f"in {self.where(message)}, sent {_when(message.timestamp)}"
        )
        readers = [self._reader(r.user, r.read_at) for r in status.readers]
        missing = [self.person(u) for u in status.no_receipt]
        missing_label = "Not read yet" if status.absence_means_unread else "No receipt"
        return "\n".join(
            [
                head,
                f"Read ({len(readers)}): {name_list(readers, limit)}",
                f"{missing_label} ({len(missing)}): {name_list(missing, limit)}",
            ]
        )

    def _reader(self, user: User, read_at: datetime | None) -> str:
        if read_at is None:
            return self.person(user)
        return f"{self.person(user)} ({_when(read_at)})"


_PREMIUM = re.compile(r"licen[cs]e|enterprise|premium", re.IGNORECASE)


def error_reply(error: BotkitError, usage: str, given: str | None = None) -> str:
    """A clear chat answer for a read-status failure (``given``: what the user pointed at)."""
    if isinstance(error, MessageNotFound):
        target = escape_text(given if given is not None else error.message_id)
        return f"I can't find message {target}, or you can't see it."
    if isinstance(error, ReceiptsDisabled):
        if _PREMIUM.search(error.reason):
            return (
                "Read receipts need Rocket.Chat's premium (Enterprise) licence, which this "
                "server does not have."
            )
        return (
            "Read receipts are turned off in this organization, so I can't tell who read it "
            f"({escape_text(error.reason)})."
        )
    if isinstance(error, ServerTooOld):
        return f"This server is too old for read receipts: {escape_text(error.message)}"
    if isinstance(error, NotSupported):
        return f"I can't answer that here: {escape_text(error.message)}"
    return f"Something went wrong: {escape_text(error.message)}. Usage: {usage}"
