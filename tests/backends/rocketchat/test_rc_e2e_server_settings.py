"""The server's public settings (settings.public) decide the longest message the bot may send
and whether read receipts are recorded."""

from __future__ import annotations

import pytest

from botkit.backends.rocketchat import ReceiptsState
from botkit.errors import BackendError
from botkit.models import Conversation

from .conftest import World


async def test_the_size_limit_comes_from_the_server(world: World) -> None:
    world.server.set_settings(max_message_size=300)
    backend = world.backend()
    await backend.connect(world.state)
    general = Conversation.channel(world.general, "general")
    try:
        assert backend.max_message_length == 300
        mid = await backend.send(general, "x" * 300)
        with pytest.raises(BackendError, match="at most 300"):
            await backend.send(general, "x" * 301)
    finally:
        await backend.close()
    assert world.server.message(mid)["msg"] == "x" * 300
    asked = world.bot_requests("/api/v1/settings.public")
    assert [r.status for r in asked] == [200]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ReceiptsState(enabled=True, store_users=True, max_message_size=5000)),
        ({"store_users": False}, ReceiptsState(True, False, 5000)),
        ({"read_receipts": False}, ReceiptsState(False, True, 5000)),
        ({"licence": False}, ReceiptsState(False, False, 5000)),  # premium: forced off
    ],
)
async def test_receipts_state(world: World, changes: dict[str, bool], expected: object) -> None:
    world.server.set_settings(
        read_receipts=changes.get("read_receipts"),
        store_users=changes.get("store_users"),
        licence=changes.get("licence"),
    )
    backend = world.backend()
    await backend.connect(world.state)
    try:
        assert await backend.receipts_state() == expected
    finally:
        await backend.close()
