"""The mark-read pipeline: batches, the max delay, flush on close, retries of failed flushes."""

from __future__ import annotations

import asyncio
import time

import pytest

from botkit.acks import AckBatcher
from botkit.backends.memory import MemoryBackend
from botkit.errors import AuthError, ServerUnavailable
from botkit.models import Message
from botkit.store import Store

from .conftest import WAIT, fast_backoff, wait_until


def _messages(backend: MemoryBackend, count: int) -> list[Message]:
    alice = backend.add_user("alice")
    general = backend.add_channel("general", [alice])
    return [backend.inject(f"m{i}", alice, general) for i in range(count)]


def _batcher(backend: MemoryBackend, store: Store, **options: object) -> AckBatcher:
    batcher = AckBatcher(backend, store, backoff=fast_backoff(), **options)  # type: ignore[arg-type]
    batcher.start()
    return batcher


async def test_full_batches_go_at_once_and_the_rest_waits(memory: MemoryBackend) -> None:
    messages = _messages(memory, 25)
    batcher = _batcher(memory, Store.in_memory(), batch_size=10, max_delay=60.0)
    for message in messages:
        batcher.add(message)
    await wait_until(lambda: memory.mark_read_calls == 2, "two full batches are sent")
    assert [len(batch) for batch in memory.marked_read] == [10, 10]
    assert batcher.pending == 5  # not full, and its delay is far away
    assert await batcher.close(timeout=WAIT) == 0
    assert [len(batch) for batch in memory.marked_read] == [10, 10, 5]
    assert [i for batch in memory.marked_read for i in batch] == [m.id for m in messages]


async def test_a_partial_batch_goes_after_the_max_delay(memory: MemoryBackend) -> None:
    messages = _messages(memory, 3)
    batcher = _batcher(memory, Store.in_memory(), batch_size=1000, max_delay=0.15)
    started = time.monotonic()
    for message in messages:
        batcher.add(message)
    await wait_until(lambda: memory.mark_read_calls == 1, "the delayed batch is sent")
    elapsed = time.monotonic() - started
    assert 0.14 <= elapsed < 2.0
    assert memory.marked_read == [[m.id for m in messages]]
    await batcher.close(timeout=WAIT)


async def test_messages_added_together_share_one_call(memory: MemoryBackend) -> None:
    messages = _messages(memory, 50)
    batcher = _batcher(memory, Store.in_memory(), batch_size=1000, max_delay=0.0)
    for message in messages:
        batcher.add(message)
    await batcher.flush()
    assert memory.mark_read_calls == 1
    await batcher.close(timeout=WAIT)


async def test_close_flushes_what_is_pending(memory: MemoryBackend) -> None:
    messages = _messages(memory, 3)
    batcher = _batcher(memory, Store.in_memory(), batch_size=1000, max_delay=3600.0)
    for message in messages:
        batcher.add(message)
    assert memory.mark_read_calls == 0
    assert await batcher.close(timeout=WAIT) == 0
    assert memory.marked_read == [[m.id for m in messages]]


async def test_flush_records_handled_ids_in_the_store(memory: MemoryBackend) -> None:
    store = Store.in_memory()
    messages = _messages(memory, 2)
    batcher = _batcher(memory, store, batch_size=1000, max_delay=3600.0)
    for message in messages:
        batcher.add(message)
    assert not store.is_handled("memory", messages[0].id)
    await batcher.flush()
    assert all(store.is_handled("memory", m.id) for m in messages)
    await batcher.close(timeout=WAIT)


async def test_a_failed_flush_is_retried_and_nothing_is_lost(memory: MemoryBackend) -> None:
    messages = _messages(memory, 4)
    memory.fail_next("mark_read", ServerUnavailable("502 from the server"), times=2)
    acked: list[str] = []
    batcher = _batcher(
        memory,
        Store.in_memory(),
        batch_size=1000,
        max_delay=0.0,
        on_acked=lambda batch: acked.extend(m.id for m in batch),
    )
    for message in messages[:2]:
        batcher.add(message)
    await wait_until(lambda: batcher.failed_flushes >= 1, "a flush failed")
    for message in messages[2:]:  # adding goes on while the server is down
        batcher.add(message)
    async with asyncio.timeout(WAIT):
        await batcher.flush()
    assert batcher.failed_flushes == 2
    assert [i for batch in memory.marked_read for i in batch] == [m.id for m in messages]
    assert acked == [m.id for m in messages]
    await batcher.close(timeout=WAIT)


async def test_close_gives_up_after_its_timeout_but_keeps_store_record(
    memory: MemoryBackend,
) -> None:
    store = Store.in_memory()
    messages = _messages(memory, 2)
    memory.fail_next("mark_read", ServerUnavailable("down"), times=10_000)
    batcher = _batcher(memory, store, batch_size=1000, max_delay=3600.0)
    for message in messages:
        batcher.add(message)
    started = time.monotonic()
    assert await batcher.close(timeout=0.2) == 2
    assert time.monotonic() - started < 2.0
    assert memory.marked_read == []
    # recorded handled: the next start acknowledges them without handling them again
    assert all(store.is_handled("memory", m.id) for m in messages)


async def test_auth_error_ends_the_task(memory: MemoryBackend) -> None:
    messages = _messages(memory, 1)
    memory.fail_next("mark_read", AuthError("API key rejected"))
    batcher = _batcher(memory, Store.in_memory(), batch_size=1, max_delay=0.0)
    batcher.add(messages[0])
    task = batcher.task
    assert task is not None
    async with asyncio.timeout(WAIT):
        await asyncio.wait({task})
    assert isinstance(task.exception(), AuthError)
    with pytest.raises(AuthError):
        await batcher.flush()
    await batcher.close(timeout=0.1)
