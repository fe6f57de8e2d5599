"""Member lists carry no roles: ``members()`` fills ``is_bot`` (and ``is_active``) from the user
directory, so the receipts engine can tell people from bots without a lookup of its own."""

from __future__ import annotations

from botkit.models import Conversation

from .conftest import World


async def test_bots_and_deactivated_members_are_marked(world: World) -> None:
    server = world.server
    helper = server.create_user("helper", name="Helper", roles=("bot",))
    gone = server.create_user("gone", name="Gone")
    for user in (helper, gone):
        server.add_member(world.general, user)
    server.deactivate(gone)
    backend = world.backend()
    await backend.connect(world.state)
    try:
        members = await backend.members(Conversation.channel(world.general, "general"))
        again = await backend.members(Conversation.channel(world.team, "team", private=True))
    finally:
        await backend.close()
    flags = {u.username: (u.is_bot, u.is_active) for u in members}
    assert flags == {
        "alice": (False, True),
        "bob": (False, True),
        "bot": (True, True),
        "helper": (True, True),
        "gone": (False, False),
    }
    assert {u.username: u.is_bot for u in again} == {"alice": False, "bot": True}
    # one directory listing serves every member list
    assert len(world.bot_requests("/api/v1/users.list")) == 1
