"""Sending to a direct conversation addressed by people, not by a room id: the DM is opened with
dm.create first (once: its room id is cached), then posted to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from botkit.backends.rocketchat import RocketChatBackend
from botkit.errors import BackendError
from botkit.models import Conversation

from .conftest import World

CREATE = "/api/v1/dm.create"


@pytest.fixture
async def backend(world: World) -> AsyncIterator[RocketChatBackend]:
    backend = world.backend()
    await backend.connect(world.state)
    try:
        yield backend
    finally:
        await backend.close()


def _dm_room(world: World, mid: str) -> tuple[str, set[str]]:
    """(room id, member usernames) of the room a message landed in."""
    server = world.server
    rid = str(server.message(mid)["rid"])
    with server.lock:
        room = server.state.room(rid)
        members = {server.state.users[uid].username for uid in room.members}
    assert room.type == "d"
    return rid, members


async def test_by_username_opens_the_dm_once(world: World, backend: RocketChatBackend) -> None:
    to_bob = Conversation.direct("bob", participants=("bob",))
    first = await backend.send(to_bob, "hello bob")
    second = await backend.send(to_bob, "again")
    rid, members = _dm_room(world, first)
    assert members == {"bob", "bot"}
    assert _dm_room(world, second)[0] == rid
    creates = world.bot_requests(CREATE)
    assert [r.data for r in creates] == [{"username": "bob"}]  # cached after the first


async def test_by_user_id_with_the_bot_among_the_participants(
    world: World, backend: RocketChatBackend
) -> None:
    both = Conversation.direct(f"{world.bot.id},{world.bob.id}")  # Zulip-style id
    mid = await backend.send(both, "by ids")
    assert _dm_room(world, mid)[1] == {"bob", "bot"}
    listed = Conversation.direct("ignored", participants=(world.bot.id, world.alice.id))
    to_alice = await backend.send(listed, "hi alice")
    assert _dm_room(world, to_alice)[0] == world.dm  # the existing DM, found by dm.create
    assert [r.data["username"] for r in world.bot_requests(CREATE)] == ["bob", "alice"]


async def test_a_dm_room_id_is_posted_to_directly(world: World, backend: RocketChatBackend) -> None:
    mid = await backend.send(Conversation.direct(world.dm, (world.alice.id, world.bot.id)), "yo")
    assert _dm_room(world, mid)[0] == world.dm
    assert world.bot_requests(CREATE) == []


async def test_someone_unknown_is_named(world: World, backend: RocketChatBackend) -> None:
    with pytest.raises(BackendError, match="direct message with nobody-here"):
        await backend.send(Conversation.direct("x", participants=("nobody-here",)), "hi")
