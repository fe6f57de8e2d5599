"""``RocketChatBackend.upload`` against the local Rocket.Chat: rooms.media + mediaConfirm in one
call, the file downloadable by room members, the public upload settings honoured and the
server's refusals as ``NotSupported``."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest
import requests

from botkit.backends.rocketchat import RocketChatBackend
from botkit.errors import NotSupported
from botkit.models import Conversation
from botkit.readstatus.uploads import Uploader

from .conftest import World

CSV = b'message_id,sender,read_by\nm1,Alice,"Bob; Carol"\nm2,Bob,\n'


@pytest.fixture
async def backend(world: World) -> AsyncIterator[RocketChatBackend]:
    made = world.backend()
    await made.connect(world.state)
    try:
        yield made
    finally:
        await made.close()


def _media_calls(world: World) -> list[int]:
    return [r.status for r in world.bot_requests() if r.path.startswith("/api/v1/rooms.media")]


async def test_upload_posts_the_file_message(world: World, backend: RocketChatBackend) -> None:
    assert isinstance(backend, Uploader)
    general = Conversation.channel(world.general, "general")
    mid = await backend.upload(general, "audit-general.csv", CSV, "text/csv", "Full table")
    posted = world.server.message(mid)
    assert posted["msg"] == "Full table"
    assert posted["file"]["name"] == "audit-general.csv"
    link = posted["attachments"][0]["title_link"]
    headers = {"X-User-Id": world.bob.id, "X-Auth-Token": world.bob.auth_token}
    answer = requests.get(world.server.url + link, headers=headers, timeout=10)
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["message_id"], r["read_by"]) for r in rows] == [("m1", "Bob; Carol"), ("m2", "")]
    assert len(_media_calls(world)) == 2  # rooms.media, then rooms.mediaConfirm


async def test_a_dm_to_a_person_is_opened_first(world: World, backend: RocketChatBackend) -> None:
    to_alice = Conversation.direct(
        f"{world.bot.id},{world.alice.id}", (world.bot.id, world.alice.id)
    )
    mid = await backend.upload(to_alice, "a.csv", CSV, "text/csv", "for you")
    assert world.server.message(mid)["rid"] == world.dm


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"file_upload_enabled": False}, "file uploads are turned off"),
        ({"max_file_size": 10}, "larger than this Rocket.Chat server's upload limit of 10 bytes"),
    ],
)
async def test_public_settings_refuse_before_sending(
    world: World, settings: dict[str, object], reason: str
) -> None:
    world.server.set_settings(**settings)  # type: ignore[arg-type]
    backend = world.backend()
    await backend.connect(world.state)
    general = Conversation.channel(world.general, "general")
    try:
        with pytest.raises(NotSupported, match=reason):
            await backend.upload(general, "a.csv", CSV, "text/csv", "table")
    finally:
        await backend.close()
    assert _media_calls(world) == []


async def test_a_refusal_by_the_server_is_not_supported(
    world: World, backend: RocketChatBackend
) -> None:
    general = Conversation.channel(world.general, "general")
    await backend.upload(general, "a.csv", CSV, "text/csv", "cached: uploads are on")
    world.server.set_settings(file_upload_enabled=False)  # within the settings cache's minute
    with pytest.raises(NotSupported, match=r"File uploads are disabled"):
        await backend.upload(general, "b.csv", CSV, "text/csv", "table")
    assert _media_calls(world) == [200, 200, 400]
