"""A small organization on the memory backend: Alice posts, Bob and Carol read, Dave does not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from botkit.backends.memory import MemoryBackend
from botkit.models import Conversation, Message, User

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass
class Org:
    backend: MemoryBackend
    alice: User
    bob: User
    carol: User
    dave: User
    outsider: User
    helper_bot: User
    general: Conversation
    secret: Conversation
    announcement: Message
    secret_note: Message


@pytest.fixture
def org() -> Org:
    backend = MemoryBackend()
    alice = backend.add_user("Alice")
    bob = backend.add_user("Bob")
    carol = backend.add_user("Carol")
    dave = backend.add_user("Dave")
    outsider = backend.add_user("Olga Outsider")
    helper_bot = backend.add_user("Helper", is_bot=True)
    gone = backend.add_user("Gone", active=False)
    general = backend.add_channel("general", [alice, bob, carol, dave, helper_bot, gone])
    secret = backend.add_channel("secret", [alice, bob], private=True)
    announcement = backend.inject_offline("Lunch at noon", alice, general, at=T0)
    backend.read(bob, announcement, at=T0 + timedelta(minutes=5))
    backend.read(carol, announcement, at=T0 + timedelta(minutes=2))
    backend.read(helper_bot, announcement, at=T0 + timedelta(minutes=1))
    secret_note = backend.inject_offline("psst", alice, secret, at=T0)
    return Org(
        backend,
        alice,
        bob,
        carol,
        dave,
        outsider,
        helper_bot,
        general,
        secret,
        announcement,
        secret_note,
    )
