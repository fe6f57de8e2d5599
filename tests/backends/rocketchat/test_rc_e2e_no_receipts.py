"""send_read_receipts = false: Rocket.Chat has no per-user setting, so the bot never marks rooms
read; messages are still handled, and the start-up line says what this costs."""

from __future__ import annotations

from typing import Any

from .conftest import World, running_bot, wait_until


def spy_on_mark_read(backend: Any) -> list[str]:
    """Record the ids the runtime acknowledges (then let the backend do its work)."""
    acknowledged: list[str] = []
    original = backend.mark_read

    async def mark_read(messages: Any) -> None:
        acknowledged.extend(m.id for m in messages)
        await original(messages)

    backend.mark_read = mark_read
    return acknowledged


async def test_no_read_marks_and_no_bot_receipts_when_receipts_are_off(world: World) -> None:
    server = world.server
    async with running_bot(world, send_read_receipts=False) as (runtime, host):
        acknowledged = spy_on_mark_read(host.backend)
        sent = [
            server.send_message(world.alice, world.general, "one"),
            server.send_message(world.alice, world.dm, "two"),
        ]
        await wait_until(lambda: len(host.handled) == 2, "both messages are handled")
        await wait_until(lambda: set(sent) <= set(acknowledged), "both are acknowledged")
        await wait_until(lambda: len(world.bot_requests("/api/v1/chat.postMessage")) == 2, "2")
        describe = runtime.backend.describe_read_state()  # type: ignore[attr-defined]
    assert world.bot_requests("/api/v1/subscriptions.read") == []
    for message_id in sent:
        assert world.bot.id not in {uid for uid, _ in server.receipts(message_id)}
    assert "never marks rooms read" in describe
    assert "unread for everyone" in describe


async def test_unset_means_true_on_rocket_chat(world: World) -> None:
    backend = world.backend()
    assert backend.send_read_receipts is True
    assert "marks each room read" in backend.describe_read_state()
    await backend.close()
