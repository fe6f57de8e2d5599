"""A server without an endpoint (HTTP 404 / 405) is answered at once: it is no outage, so it is
never retried, and an upload it refuses becomes ``NotSupported`` (callers post text instead)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from zulip_support import API, Cast

from botkit.backends.zulip import ZulipBackend
from botkit.backends.zulip.client import ZulipRequestError
from botkit.errors import NotSupported
from botkit.models import Conversation
from botkit.servers._http import Request, Response
from botkit.servers.zulip import LocalZulip
from botkit.servers.zulip.errors import html_not_found

UPLOADS = f"{API}/user_uploads"


def _answer(status: int) -> Callable[[Request], Response]:
    if status == 404:
        return lambda request: html_not_found(request.path)
    return lambda request: Response.html("<h1>405 Method Not Allowed</h1>", 405)


def remove_uploads(server: LocalZulip, status: int = 404) -> None:
    """``POST /user_uploads`` answers like a server (or proxy) that does not have it."""
    with server.lock:
        server._routes = [
            (method, pattern, _answer(status) if pattern.pattern == UPLOADS else handler)
            for method, pattern, handler in server._routes
        ]


@pytest.mark.parametrize("status", [404, 405])
async def test_an_upload_to_a_server_without_the_endpoint_is_not_supported_at_once(
    cast: Cast, connected: ZulipBackend, status: int
) -> None:
    remove_uploads(cast.server, status)
    general = Conversation.channel(str(cast.general), "general", topic="audits")
    started = time.monotonic()
    with pytest.raises(NotSupported, match=f"Zulip refused the upload of a.csv: HTTP {status}"):
        await connected.upload(general, "a.csv", b"a,b\n1,2\n", "text/csv", "table")
    assert time.monotonic() - started < 2  # no backoff: 8 tries would take 30 s and more
    assert len(cast.server.requests(path=UPLOADS)) == 1
    with cast.server.lock:
        assert not any(m.sender_id == cast.bot.id for m in cast.server.state.messages.values())


async def test_any_call_to_a_missing_endpoint_is_refused_once(
    cast: Cast, connected: ZulipBackend
) -> None:
    with pytest.raises(ZulipRequestError, match="HTTP 404: this server does not have"):
        await connected.api.call("no_such_endpoint")
    assert len(cast.server.requests(path=f"{API}/no_such_endpoint")) == 1
