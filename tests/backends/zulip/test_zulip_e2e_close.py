"""close() deletes the event queue, which answers the parked long-poll: listen() ends and no
worker thread is left behind."""

from __future__ import annotations

import asyncio
from pathlib import Path

from zulip_support import (
    API,
    Cast,
    DictState,
    bot_settings,
    make_backend,
    wait_until,
)

from botkit.models import Message


async def test_close_ends_the_parked_poll_listen_and_threads(cast: Cast, tmp_path: Path) -> None:
    server = cast.server
    backend = make_backend(bot_settings(server, cast.bot, tmp_path))
    await backend.connect(DictState())
    received: list[Message] = []

    async def consume() -> None:
        async for message in backend.listen():
            received.append(message)

    listening = asyncio.create_task(consume())
    message_id = server.send_message(cast.alice, "general", "t", "one")
    await wait_until(lambda: len(received) == 1, what="the live message")
    workers = backend.api.workers
    await wait_until(lambda: bool(workers.alive()), what="a parked poll")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await backend.close()
    assert loop.time() - started < 1.5  # not the 2 s poll timeout: the server woke the poll
    await asyncio.wait_for(listening, 2)
    assert not workers.alive()
    await backend.close()  # twice is fine
    assert received[0].id == str(message_id)
    assert len(server.requests(path=f"{API}/events", method="DELETE")) == 1
