"""The in-memory backend behaves like the Backend protocol says, and its controls work."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from botkit.backends.base import Backend, CatchUpLimits
from botkit.backends.memory import MemoryBackend
from botkit.config import Settings
from botkit.errors import BackendError, MessageNotFound, NotSupported, ServerUnavailable
from botkit.models import Message, Receipt


class _DictKV:
    def __init__(self) -> None:
        self.data: dict[str, object] = {}

    def get(self, key: str, default: object = None) -> object:
        return self.data.get(key, default)

    def set(self, key: str, value: object) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)

    def keys(self, prefix: str = "") -> list[str]:
        return [k for k in self.data if k.startswith(prefix)]


async def _collect(iterator: object, limit: int = 100) -> list[Message]:
    out: list[Message] = []
    async for message in iterator:  # type: ignore[attr-defined]
        out.append(message)
        if len(out) >= limit:
            break
    return out


def test_is_a_backend() -> None:
    backend = MemoryBackend()
    assert isinstance(backend, Backend)
    assert backend.name == "memory"
    assert backend.max_message_length == 10000


async def test_connect_returns_bot_user_named_from_settings() -> None:
    settings = Settings.model_validate({"bot": {"name": "helper", "backend": "memory"}})
    backend = MemoryBackend(settings)
    me = await backend.connect(_DictKV())
    assert me.name == "helper"
    assert me.is_bot
    assert backend.connected


async def test_inject_is_delivered_live_and_close_ends_listen() -> None:
    backend = MemoryBackend()
    alice = backend.add_user("alice")
    general = backend.add_channel("general", [alice])
    await backend.connect(_DictKV())
    first = backend.inject("hi", alice, general)
    second = backend.inject("there", alice, general, mentions_bot=True)
    received: list[Message] = []

    async def consume() -> None:
        async for message in backend.listen():
            received.append(message)

    task = asyncio.create_task(consume())
    while len(received) < 2:
        await asyncio.sleep(0)
    await backend.close()
    await asyncio.wait_for(task, 1)
    assert [m.id for m in received] == [first.id, second.id]
    assert received[1].mentions_bot


async def test_catch_up_returns_unread_visible_messages_within_limits() -> None:
    backend = MemoryBackend()
    alice = backend.add_user("alice")
    general = backend.add_channel("general", [alice])
    hidden = backend.add_channel("secret", [alice], private=True, with_bot=False)
    old = backend.inject_offline("old", alice, general, at=datetime.now(UTC) - timedelta(days=3))
    a = backend.inject_offline("a", alice, general)
    backend.inject_offline("not visible", alice, hidden)
    b = backend.inject_offline("b", alice, backend.direct(alice, backend.bot_user))
    c = backend.inject_offline("c", alice, general)
    await backend.connect(_DictKV())
    await backend.mark_read([a])

    everything = await _collect(backend.catch_up(CatchUpLimits(max_messages=10, max_age=None)))
    assert [m.id for m in everything] == [old.id, b.id, c.id]
    recent = await _collect(backend.catch_up(CatchUpLimits(max_messages=1)))
    assert [m.id for m in recent] == [b.id]


async def test_send_records_and_rejects_too_long() -> None:
    backend = MemoryBackend()
    alice = backend.add_user("alice")
    dm = backend.direct(alice, backend.bot_user)
    message_id = await backend.send(dm, "hello")
    assert backend.sent == [(dm, "hello")]
    assert (await backend.fetch_message(message_id)).sender == backend.bot_user
    with pytest.raises(BackendError, match="longer than"):
        await backend.send(dm, "x" * 10001)


async def test_mark_read_batches_and_receipts() -> None:
    backend = MemoryBackend()
    alice, bob = backend.add_user("alice"), backend.add_user("bob")
    general = backend.add_channel("general", [alice, bob])
    m1 = backend.inject("one", alice, general)
    m2 = backend.inject("two", alice, general)
    backend.read(bob, m1)
    await backend.mark_read([m1, m2])
    assert backend.marked_read == [[m1.id, m2.id]]
    assert backend.mark_read_calls == 1
    readers = [r.user.name for r in await backend.read_receipts(m1)]
    assert readers == ["bob", "botkit"]
    backend.read(alice, m1)  # the sender is never listed
    assert [r.user.name for r in await backend.read_receipts(m1)] == ["bob", "botkit"]
    backend.set_receipts(m2.id, [Receipt(bob)])
    assert await backend.read_receipts(m2) == [Receipt(bob)]


async def test_hidden_read_receipts_still_mark_read() -> None:
    settings = Settings.model_validate({"bot": {"send_read_receipts": False}})
    backend = MemoryBackend(settings)
    alice = backend.add_user("alice")
    general = backend.add_channel("general", [alice])
    message = backend.inject("one", alice, general)
    await backend.mark_read([message])
    assert backend.is_read_by_bot(message.id)
    assert await backend.read_receipts(message) == []
    assert "off" in backend.describe_read_state()


async def test_unknown_or_invisible_message_is_not_found() -> None:
    backend = MemoryBackend()
    alice = backend.add_user("alice")
    hidden = backend.add_channel("secret", [alice], with_bot=False)
    invisible = backend.inject_offline("psst", alice, hidden)
    with pytest.raises(MessageNotFound):
        await backend.fetch_message("999")
    with pytest.raises(MessageNotFound):
        await backend.fetch_message(invisible.id)
    with pytest.raises(MessageNotFound):
        await backend.read_receipts(invisible)


async def test_members_and_users() -> None:
    backend = MemoryBackend()
    alice, bob = backend.add_user("alice"), backend.add_user("bob")
    general = backend.add_channel("general", [alice])
    assert {u.name for u in await backend.members(general)} == {"alice", "botkit"}
    assert {u.name for u in await backend.members(backend.direct(alice, bob))} == {"alice", "bob"}
    assert {u.name for u in await backend.users()} == {"alice", "bob", "botkit"}


async def test_fail_next_raises_once_per_call() -> None:
    backend = MemoryBackend()
    backend.fail_next("mark_read", ServerUnavailable("down"))
    with pytest.raises(ServerUnavailable):
        await backend.mark_read([])
    await backend.mark_read([])
    assert backend.mark_read_calls == 1
    with pytest.raises(ValueError, match="unknown operation"):
        backend.fail_next("explode", RuntimeError())


async def test_reconnect_after_close_keeps_server_state() -> None:
    backend = MemoryBackend()
    alice = backend.add_user("alice")
    general = backend.add_channel("general", [alice])
    await backend.connect(_DictKV())
    message = backend.inject("hi", alice, general)
    await backend.close()
    await backend.close()  # safe twice
    await backend.connect(_DictKV())
    assert backend.connect_calls == 2
    pending = await _collect(backend.catch_up(CatchUpLimits()))
    assert [m.id for m in pending] == [message.id]


async def test_upload_attaches_a_file_or_refuses_like_a_server() -> None:
    backend = MemoryBackend()
    alice = backend.add_user("Alice")
    general = backend.add_channel("general", [alice])
    message_id = await backend.upload(general, "t.csv", b"a,b\n", "text/csv", "the table")
    [upload] = backend.uploads
    assert (upload.filename, upload.data, upload.message_id) == ("t.csv", b"a,b\n", message_id)
    assert backend.sent[-1] == (general, "the table\n[t.csv](memory://upload/1)")
    backend.max_upload_bytes = 3
    with pytest.raises(NotSupported, match="larger than the upload limit"):
        await backend.upload(general, "t.csv", b"a,b\n", "text/csv", "again")
    backend.uploads_enabled = False
    with pytest.raises(NotSupported, match="uploads are turned off"):
        await backend.upload(general, "t.csv", b"a", "text/csv", "again")
    assert len(backend.uploads) == 1
