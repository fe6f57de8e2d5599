"""``ZulipBackend.upload`` against the local Zulip: the file uploaded and linked in one message,
the server's size limit followed (register, live events) and refusals as ``NotSupported``."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import re
from pathlib import Path

import pytest
import requests
from zulip_support import API, Cast, DictState, bot_settings, make_backend, wait_until

from botkit.backends.zulip import ZulipBackend
from botkit.errors import NotSupported
from botkit.models import Conversation
from botkit.readstatus.uploads import Uploader

CSV = b'message_id,sender,read_by\n7,Alice,"Bob; Carol"\n8,Bob,\n'
LINK = re.compile(r"\[(?P<name>[^\]]+)\]\((?P<url>/user_uploads/[^)]+)\)")


def _general(cast: Cast) -> Conversation:
    return Conversation.channel(str(cast.general), "general", topic="audits")


def _uploads(cast: Cast) -> int:
    return len(cast.server.requests(path=f"{API}/user_uploads"))


async def test_upload_posts_one_message_linking_the_file(
    cast: Cast, connected: ZulipBackend
) -> None:
    assert isinstance(connected, Uploader)
    message_id = await connected.upload(
        _general(cast), "audit-general-2024-05-06.csv", CSV, "text/csv", "Full table (CSV)"
    )
    with cast.server.lock:
        posted = cast.server.state.messages[int(message_id)]
    assert posted.topic == "audits"
    text, link = posted.content.split("\n")
    assert text == "Full table (CSV)"
    found = LINK.fullmatch(link)
    assert found is not None
    assert found["name"] == "audit-general-2024-05-06.csv"
    # Alice reads the channel, so she may download it: over HTTP, with her API key
    answer = requests.get(
        cast.server.url + found["url"], auth=(cast.alice.email, cast.alice.api_key), timeout=10
    )
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["message_id"], r["read_by"]) for r in rows] == [("7", "Bob; Carol"), ("8", "")]


async def test_uploads_turned_off_are_refused_without_sending(cast: Cast, tmp_path: Path) -> None:
    cast.server.set_max_file_upload_size(0)
    backend = make_backend(bot_settings(cast.server, cast.bot, tmp_path))
    await backend.connect(DictState())
    try:
        with pytest.raises(NotSupported, match="file uploads are turned off"):
            await backend.upload(_general(cast), "a.csv", CSV, "text/csv", "table")
    finally:
        await backend.close()
    assert _uploads(cast) == 0


async def test_the_limit_follows_realm_events(cast: Cast, connected: ZulipBackend) -> None:
    listening = asyncio.create_task(_drain(connected))
    try:
        cast.server.set_max_file_upload_size(1)
        await wait_until(lambda: connected.upload_limit.max_mib == 1, what="the realm event")
        big = b"x" * (1024 * 1024 + 1)
        with pytest.raises(NotSupported, match="larger than this Zulip server's upload limit"):
            await connected.upload(_general(cast), "big.csv", big, "text/csv", "table")
        assert _uploads(cast) == 0
    finally:
        await connected.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(listening, 5)


async def test_a_refusal_by_the_server_is_not_supported(
    cast: Cast, connected: ZulipBackend
) -> None:
    cast.server.set_max_file_upload_size(0)  # the backend, not listening, still believes 100
    with pytest.raises(NotSupported, match=r"configured maximum upload size \(0 MiB\)"):
        await connected.upload(_general(cast), "a.csv", CSV, "text/csv", "table")
    assert [r.status for r in cast.server.requests(path=f"{API}/user_uploads")] == [400]
    assert cast.server.requests(path=f"{API}/messages", method="POST") == []


async def _drain(backend: ZulipBackend) -> None:
    async for _ in backend.listen():
        pass
