"""A room's history by name, as audits list it: the backend is its own ``HistorySource``, on its
own session; thread replies in, system messages out, bots known from the user directory, paging
with count/offset, unknown rooms named in the error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from botkit.backends.rocketchat import RocketChatBackend
from botkit.backends.rocketchat.convert import parse_ts
from botkit.errors import BackendError
from botkit.models import Conversation
from botkit.readstatus.history import HistorySource, history_source
from botkit.servers.rocketchat.messaging import store_message

from .conftest import World


@pytest.fixture
async def backend(world: World) -> AsyncIterator[RocketChatBackend]:
    backend = world.backend()
    await backend.connect(world.state)
    try:
        yield backend
    finally:
        await backend.close()


def _sent_at(world: World, mid: str) -> datetime:
    stamp = parse_ts(world.server.message(mid)["ts"])
    assert stamp is not None
    return stamp


def _system_message(world: World, rid: str) -> str:
    """A join message as Rocket.Chat stores it (type ``uj``); no REST call creates one."""
    server = world.server
    with server.lock:
        user, room = server.state.user(world.bob), server.state.room(rid)
        return store_message(server.state, user, room, "bob", extra={"t": "uj"}).id


async def test_the_backend_is_its_own_history_source(
    world: World, backend: RocketChatBackend
) -> None:
    assert isinstance(backend, HistorySource)
    assert history_source(backend, world.settings()) is backend


async def test_window_thread_replies_in_system_messages_out(
    world: World, backend: RocketChatBackend
) -> None:
    server = world.server
    server.send_message(world.alice, world.general, "before the window")
    first = server.send_message(world.alice, world.general, "question")
    reply = server.send_message(world.bob, world.general, "answer in the thread", tmid=first)
    _system_message(world, world.general)
    last = server.send_message(world.bob, world.general, "last")
    logins_before = len(server.requests(path="/api/v1/login")) + len(
        server.requests(path="/api/v1/me")
    )

    messages = await backend.history("general", _sent_at(world, first))

    assert [m.id for m in messages] == [first, reply, last]
    assert messages[1].conversation.thread_id == first
    assert [m.sender.username for m in messages] == ["alice", "bob", "bob"]
    assert messages[0].conversation == Conversation.channel(world.general, "general")
    assert messages[0].link == f"{server.url}/channel/general?msg={first}"
    history = server.requests(path="/api/v1/channels.history", user=world.bot.id)
    assert history
    assert all(r.data["showThreadMessages"] == "true" for r in history)
    # the backend's own session: no second login, no second "who am I"
    after = len(server.requests(path="/api/v1/login")) + len(server.requests(path="/api/v1/me"))
    assert after == logins_before


async def test_senders_that_are_bots_are_known_from_the_directory(
    world: World, backend: RocketChatBackend
) -> None:
    server = world.server
    helper = server.create_user("helper", name="Helper", roles=("bot",))
    server.add_member(world.general, helper)
    start = datetime.now().astimezone() - timedelta(minutes=1)
    server.send_message(helper, world.general, "automated notice")
    server.send_message(world.alice, world.general, "human words")
    messages = await backend.history("#general", start)
    assert [(m.text, m.sender.is_bot) for m in messages] == [
        ("automated notice", True),
        ("human words", False),
    ]


async def test_a_private_group_and_a_public_channel_the_bot_is_not_in(
    world: World, backend: RocketChatBackend
) -> None:
    server = world.server
    start = datetime.now().astimezone() - timedelta(minutes=1)
    server.send_message(world.alice, world.team, "team only")
    elsewhere = server.create_room("elsewhere", type="c", members=[world.alice])
    server.send_message(world.alice, elsewhere, "public but far away")

    assert [m.text for m in await backend.history("team", start)] == ["team only"]
    team = await backend.channel("Team")  # case does not matter for the bot's own rooms
    assert team == Conversation.channel(world.team, "team", private=True)
    assert [m.text for m in await backend.history("elsewhere", start)] == ["public but far away"]
    assert await backend.channel("elsewhere") == Conversation.channel(elsewhere, "elsewhere")


async def test_unknown_and_unreadable_rooms_are_named(
    world: World, backend: RocketChatBackend
) -> None:
    hidden = world.server.create_room("hidden", type="p", members=[world.alice])
    world.server.send_message(world.alice, hidden, "secret")
    since = datetime.now().astimezone() - timedelta(days=1)
    with pytest.raises(BackendError, match=r"no Rocket\.Chat room named 'nowhere'"):
        await backend.history("nowhere", since)
    with pytest.raises(BackendError, match=r"no Rocket\.Chat room named 'hidden'"):
        await backend.history("hidden", since)
    with pytest.raises(BackendError, match=r"no Rocket\.Chat room named '#nowhere'"):
        await backend.channel("#nowhere")


async def test_pages_with_count_and_offset(world: World, backend: RocketChatBackend) -> None:
    server = world.server
    start = datetime.now().astimezone() - timedelta(minutes=1)
    mids = server.send_many(
        {"sender": world.alice, "rid": world.general, "text": f"n{i}"} for i in range(230)
    )
    world.server.clear_log()
    messages = await backend.history("general", start)
    assert [m.id for m in messages] == mids
    pages = [r.data for r in world.bot_requests("/api/v1/channels.history")]
    assert [(p["count"], p["offset"]) for p in pages] == [
        ("100", "0"),
        ("100", "100"),
        ("100", "200"),
    ]
