"""Test doubles: a history source over the memory backend and a fake clock for the pacer."""

from __future__ import annotations

from datetime import datetime

from botkit.backends.memory import MemoryBackend
from botkit.errors import BackendError
from botkit.models import Conversation, Message


class MemoryHistory:
    """A ``HistorySource`` for messages a test posted through it."""

    def __init__(self, backend: MemoryBackend) -> None:
        self.backend = backend
        self.channels: dict[str, Conversation] = {}
        self.messages: list[Message] = []
        self.calls = 0

    def add_channel(self, conversation: Conversation) -> Conversation:
        self.channels[conversation.name] = conversation
        return conversation

    def post(self, message: Message) -> Message:
        self.messages.append(message)
        return message

    async def history(self, conversation_name: str, since: datetime) -> list[Message]:
        self.calls += 1
        channel = await self.channel(conversation_name)
        return [
            m for m in self.messages if m.conversation.id == channel.id and m.timestamp >= since
        ]

    async def channel(self, name: str) -> Conversation:
        if name not in self.channels:
            raise BackendError(f"no channel named {name!r}")
        return self.channels[name]


class FakeClock:
    """Monotonic and wall time that only move when the code under test sleeps."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
