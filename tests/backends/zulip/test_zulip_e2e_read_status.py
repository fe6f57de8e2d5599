"""Read receipts, members, users, fetch_message and send against the local Zulip server, driving
the backend directly (connect -> calls -> close)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from zulip_support import (
    API,
    Cast,
    DictState,
    bot_settings,
    make_backend,
    wait_until,
)

from botkit.backends.zulip import ZulipBackend
from botkit.errors import MessageNotFound, ReceiptsDisabled, ServerTooOld
from botkit.models import Conversation
from botkit.servers.zulip import LocalZulip


@pytest.fixture
async def backend(cast: Cast, tmp_path: Path) -> AsyncIterator[ZulipBackend]:
    zulip = make_backend(bot_settings(cast.server, cast.bot, tmp_path))
    await zulip.connect(DictState())
    try:
        yield zulip
    finally:
        await zulip.close()


async def test_receipts_name_readers_and_leave_out_the_sender(
    cast: Cast, backend: ZulipBackend
) -> None:
    server = cast.server
    carol = server.create_user("Carol", email="carol@example.com")  # joins after the bot started
    server.subscribe(carol, "general")
    message_id = server.send_message(cast.alice, "general", "t", "who read this?")
    server.mark_read(cast.alice, [message_id])  # the sender: never listed
    server.mark_read(cast.bob, [message_id])
    server.mark_read(carol, [message_id])
    message = await backend.fetch_message(str(message_id))
    receipts = await backend.read_receipts(message)
    assert sorted(r.user.name for r in receipts) == ["Bob", "Carol"]
    users_calls = server.requests(path=f"{API}/users", user=cast.bot.email)
    assert len(users_calls) <= 1  # Carol came in by event (or one refresh), never one per reader


async def test_receipt_errors_are_typed(cast: Cast, backend: ZulipBackend) -> None:
    server = cast.server
    private = server.send_direct(cast.alice, [cast.bob], "not for the bot")
    visible = server.send_message(cast.alice, "general", "t", "hello")
    message = await backend.fetch_message(str(visible))
    with pytest.raises(MessageNotFound):
        await backend.fetch_message(str(private))
    with pytest.raises(MessageNotFound):
        await backend.read_receipts(dataclasses.replace(message, id=str(private)))
    server.set_realm_read_receipts(False)
    with pytest.raises(ReceiptsDisabled, match="disabled in this organization"):
        await backend.read_receipts(message)


async def test_fetch_message_gives_markdown(cast: Cast, backend: ZulipBackend) -> None:
    message_id = cast.server.send_message(cast.alice, "general", "t", "**bold** and `code`")
    message = await backend.fetch_message(str(message_id))
    assert message.text == "**bold** and `code`"
    assert message.sender.name == "Alice"


async def test_members_are_cached_until_membership_changes(
    cast: Cast, backend: ZulipBackend
) -> None:
    server = cast.server
    general = Conversation.channel(str(cast.general), "general")
    first = await backend.members(general)
    again = await backend.members(general)
    assert first == again
    assert {u.name for u in first} == {"Alice", "Bob", "Bot"}
    member_calls = f"{API}/streams/{cast.general}/members"
    assert len(server.requests(path=member_calls)) == 1
    carol = server.create_user("Carol", email="carol@example.com")
    server.subscribe(carol, "general")
    # the peer_add event reaches the backend through its event queue: listen meanwhile
    listening = asyncio.ensure_future(anext(backend.listen()))
    try:
        await wait_until(lambda: backend.members_cache.get(cast.general) is None, what="peer_add")
    finally:
        listening.cancel()
    assert {u.name for u in await backend.members(general)} == {"Alice", "Bob", "Bot", "Carol"}
    assert len(server.requests(path=member_calls)) == 2
    dm = Conversation.direct(
        f"{cast.alice.id},{cast.bot.id}", (str(cast.alice.id), str(cast.bot.id))
    )
    assert {u.name for u in await backend.members(dm)} == {"Alice", "Bot"}
    assert {"Alice", "Bob", "Bot", "Carol"} <= {u.name for u in await backend.users()}


async def test_send_to_a_channel_topic_and_a_dm(cast: Cast, backend: ZulipBackend) -> None:
    server = cast.server
    channel_reply = await backend.send(
        Conversation.channel(str(cast.general), "general", topic="ops"), "hi"
    )
    dm_reply = await backend.send(
        Conversation.direct(
            f"{cast.alice.id},{cast.bot.id}", (str(cast.alice.id), str(cast.bot.id))
        ),
        "psst",
    )
    sent = [
        r.data for r in server.requests(path=f"{API}/messages", method="POST", user=cast.bot.email)
    ]
    assert sent[0]["topic"] == "ops"
    assert sent[0]["read_by_sender"] == "true"
    assert sent[1]["type"] == "direct"
    assert sent[1]["to"] == f"[{cast.alice.id}]"
    assert channel_reply.isdigit()
    assert int(dm_reply) > int(channel_reply)
    assert "read" in server.message_flags(cast.bot, int(channel_reply))


async def test_an_old_server_runs_the_bot_but_receipts_need_zulip_6(tmp_path: Path) -> None:
    server = LocalZulip(
        rate_limit=None, feature_level=120, longpoll_timeout=2.0, heartbeat_interval=(1.0, 1.5)
    )
    server.start()
    try:
        alice = server.create_user("Alice", email="alice@example.com")
        bot = server.create_bot("Bot", email="bot@example.com")
        server.create_channel("general", subscribers=[alice, bot])
        zulip = make_backend(bot_settings(server, bot, tmp_path, send_read_receipts=False))
        await zulip.connect(DictState())
        try:
            message_id = server.send_message(alice, "general", "t", "old times")
            message = await anext(zulip.listen())
            assert message.id == str(message_id)
            assert zulip.policy.marks_read  # no receipts on this server: reading is invisible
            with pytest.raises(ServerTooOld, match=r"Zulip 6\.0 or newer"):
                await zulip.read_receipts(message)
            assert not server.requests(path=f"{API}/messages/{message_id}/read_receipts")
        finally:
            await zulip.close()
    finally:
        server.stop()
