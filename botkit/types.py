"""Names for the callable and storage types that cross module boundaries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    from botkit.models import Message

__all__ = [
    "Handler",
    "JSONValue",
    "KeyValue",
    "MessagePredicate",
]

JSONValue: TypeAlias = Any  # plain data that json.dumps accepts

#: A plugin handler: ``async def`` or plain ``def`` (run in a worker thread).
Handler: TypeAlias = Callable[..., Awaitable[Any] | Any]

#: ``@on_message(predicate)``: decides whether a message is for the handler.
MessagePredicate: TypeAlias = Callable[["Message"], bool]


class KeyValue(Protocol):
    """A small persistent key-value namespace (SQLite-backed in the runtime, a dict in tests).

    Values are plain JSON data. Calls are quick local operations and may be used from the event
    loop.
    """

    def get(self, key: str, default: JSONValue = None) -> JSONValue: ...

    def set(self, key: str, value: JSONValue) -> None: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str = "") -> list[str]: ...
