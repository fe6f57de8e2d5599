"""Listing a channel's recent messages: the one thing an audit needs beyond the Backend
protocol.

The ``Backend`` protocol has no history call (the runtime never needs one), so audits ask for a
``HistorySource``: ``history(conversation_name, since)`` lists a channel's messages and
``channel(name)`` names the channel as a ``Conversation`` (to post a report there). A backend
that has both methods is its own history source; ``history_source`` finds it or says clearly that
this backend cannot audit yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from botkit.errors import NotSupported
from botkit.models import Conversation, Message

if TYPE_CHECKING:
    from botkit.config import Settings

__all__ = ["HistorySource", "history_source"]


@runtime_checkable
class HistorySource(Protocol):
    async def history(self, conversation_name: str, since: datetime) -> list[Message]:
        """Messages of the channel (Zulip) or room (Rocket.Chat) named ``conversation_name``
        sent at or after ``since``, oldest first, thread replies included. An unknown channel
        raises a ``BackendError`` that names it."""
        ...

    async def channel(self, name: str) -> Conversation:
        """The channel (Zulip) or room (Rocket.Chat) called ``name``, as posts to it need it
        (``topic`` unset). An unknown name raises a ``BackendError`` that names it."""
        ...


def history_source(backend: object, settings: Settings | None = None) -> HistorySource:
    """``backend`` itself when it can list history (the Zulip and Rocket.Chat backends can),
    else ``NotSupported``. ``settings`` is accepted for callers that have it at hand."""
    if isinstance(backend, HistorySource):
        return backend
    label = getattr(backend, "name", "") or type(backend).__name__
    raise NotSupported(f"the {label} backend cannot list a channel's messages, so it cannot audit")
