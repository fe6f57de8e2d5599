"""The last messages a backend handed out, by id: "who read this?" about a recent message needs
no fetch, which keeps a query at its floor of one receipts call plus the reply."""

from __future__ import annotations

from collections import OrderedDict

from botkit.models import Message

__all__ = ["RecentMessages"]


class RecentMessages:
    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._items: OrderedDict[str, Message] = OrderedDict()

    def remember(self, message: Message) -> Message:
        self._items[message.id] = message
        self._items.move_to_end(message.id)
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return message

    def get(self, message_id: str) -> Message | None:
        return self._items.get(message_id)

    def forget(self, message_id: str) -> None:
        self._items.pop(message_id, None)
