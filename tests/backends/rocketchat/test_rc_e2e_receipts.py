"""Read receipts (a premium feature), members, users and message look-ups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from botkit.backends.rocketchat import RocketChatBackend
from botkit.errors import BackendError, MessageNotFound, ReceiptsDisabled
from botkit.models import Conversation

from .conftest import World


@pytest.fixture
async def backend(world: World) -> AsyncIterator[RocketChatBackend]:
    backend = world.backend()
    await backend.connect(world.state)
    try:
        yield backend
    finally:
        await backend.close()


async def test_receipts_leave_the_sender_out_and_keep_read_times(
    world: World, backend: RocketChatBackend
) -> None:
    server = world.server
    mid = server.send_message(world.alice, world.general, "who saw this?")
    server.read_room(world.bob, world.general)
    message = await backend.fetch_message(mid)
    receipts = await backend.read_receipts(message)
    assert [r.user.username for r in receipts] == ["bob"]  # alice (the sender) left out
    assert receipts[0].user.name == "Bob"
    stored = dict(server.receipts(mid))
    assert receipts[0].read_at == stored[world.bob.id]


async def test_without_the_licence_receipts_are_disabled_with_a_clear_reason(
    world: World, backend: RocketChatBackend
) -> None:
    mid = world.server.send_message(world.alice, world.general, "hi")
    message = await backend.fetch_message(mid)
    world.server.set_settings(licence=False)
    with pytest.raises(ReceiptsDisabled) as caught:
        await backend.read_receipts(message)
    assert caught.value.reason == (
        "read receipts are a Rocket.Chat premium (Enterprise) feature: this server's licence "
        "does not include them"
    )


async def test_receipts_not_recorded_are_reported_as_disabled(
    world: World, backend: RocketChatBackend
) -> None:
    world.server.set_settings(store_users=False)
    mid = world.server.send_message(world.alice, world.general, "hi")
    world.server.read_room(world.bob, world.general)
    message = await backend.fetch_message(mid)
    with pytest.raises(ReceiptsDisabled) as caught:
        await backend.read_receipts(message)
    # the public settings say why: the detailed receipts setting is off
    assert caught.value.reason.startswith("read receipts are turned off on this Rocket.Chat server")
    assert "'Detailed read receipts' must be on" in caught.value.reason


async def test_unknown_and_invisible_messages_are_the_same_not_found(
    world: World, backend: RocketChatBackend
) -> None:
    with pytest.raises(MessageNotFound):
        await backend.fetch_message("no-such-message")
    hidden_room = world.server.create_room("hidden", type="p", members=[world.alice])
    hidden = world.server.send_message(world.alice, hidden_room, "secret")
    with pytest.raises(MessageNotFound):
        await backend.fetch_message(hidden)
    visible = await backend.fetch_message(world.server.send_message(world.alice, world.dm, "x"))
    with pytest.raises(MessageNotFound):
        await backend.read_receipts(replace(visible, id=hidden))


async def test_members_per_room_type_and_the_user_directory(
    world: World, backend: RocketChatBackend
) -> None:
    general = await backend.members(Conversation.channel(world.general, "general"))
    team = await backend.members(Conversation.channel(world.team, "team", private=True))
    direct = await backend.members(Conversation.direct(world.dm))
    assert {u.username for u in general} == {"alice", "bob", "bot"}
    assert {u.username for u in team} == {"alice", "bot"}
    assert {u.username for u in direct} == {"alice", "bot"}
    users = await backend.users()
    assert {"alice", "bob", "bot"} <= {u.username for u in users}
    # cached: asking again costs no request
    before = len(world.server.requests(path="/api/v1/channels.members"))
    await backend.members(Conversation.channel(world.general, "general"))
    assert len(world.server.requests(path="/api/v1/channels.members")) == before


async def test_send_in_a_thread_and_the_size_limit(
    world: World, backend: RocketChatBackend
) -> None:
    parent = world.server.send_message(world.alice, world.general, "question")
    thread = Conversation.channel(world.general, "general", thread_id=parent)
    reply = await backend.send(thread, "answer")
    assert world.server.message(reply)["tmid"] == parent
    assert backend.max_message_length == 5000
    with pytest.raises(BackendError, match="at most 5000"):
        await backend.send(thread, "x" * 5001)


async def test_ids_are_url_encoded_so_they_cannot_smuggle_parameters(
    world: World, backend: RocketChatBackend
) -> None:
    real = world.server.send_message(world.alice, world.general, "real")
    with pytest.raises(MessageNotFound):
        await backend.fetch_message(f"nothing&msgId={real}")  # unencoded, this would find it
    assert (await backend.fetch_message(real)).text == "real"
