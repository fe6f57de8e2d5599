"""The client wrapper against a scripted HTTP server: 429s waited out, 5xx and dropped
connections retried with backoff, 401 and bad configuration reported in one clear line."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from botkit.backends.zulip.client import RetryPolicy, ZulipApi, ZulipRequestError
from botkit.config.schema import ZulipSection
from botkit.errors import AuthError, ConfigError, ServerUnavailable
from botkit.servers._http import LocalServer, Request, Response, Route

KEY = "s3cretkey-abcdefghijklmnopqrstuv"
FAST = RetryPolicy(attempts=4, backoff_base=0.05, backoff_cap=0.2)


class ScriptedZulip(LocalServer):
    """Answers from per-path scripts of (status, body); then a plain success."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[tuple[int, dict[str, object]]]] = {}
        super().__init__()

    def routes(self) -> list[Route]:
        return [Route(m, r"/api/v1/.*", self.answer) for m in ("GET", "POST", "DELETE")]

    def answer(self, request: Request) -> Response:
        script = self.scripts.get(request.path) or []
        if script:
            status, body = script.pop(0)
            headers = {}
            if status == 429:
                headers["Retry-After"] = str(body["retry-after"])
            return Response.json(body, status=status, headers=headers)
        if request.path.endswith("/server_settings"):
            body = {
                "result": "success",
                "msg": "",
                "zulip_version": "10.2",
                "zulip_feature_level": 372,
            }
            return Response.json(body)
        return Response.json({"result": "success", "msg": "", "user_id": 7})


def rate_limited(seconds: float) -> tuple[int, dict[str, object]]:
    body = {
        "result": "error",
        "msg": "API usage exceeded rate limit",
        "code": "RATE_LIMIT_HIT",
        "retry-after": seconds,
    }
    return 429, body


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ScriptedZulip]:
    fake = ScriptedZulip()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def server(shared_server: ScriptedZulip) -> ScriptedZulip:
    shared_server.scripts.clear()
    shared_server.clear_log()
    return shared_server


def section(url: str, **extra: object) -> ZulipSection:
    return ZulipSection.model_validate(
        {"site": url, "email": "bot@example.com", "api_key": KEY, **extra}
    )


async def test_a_429_holds_every_call_for_its_retry_after(server: ScriptedZulip) -> None:
    api = ZulipApi(section(server.url), retry=FAST)
    await api.open()
    server.scripts["/api/v1/users/me"] = [rate_limited(0.6), rate_limited(0.4)]
    result = await api.call("users/me")
    assert result["user_id"] == 7
    log = server.requests(path="/api/v1/users/me")
    assert [r.status for r in log] == [429, 429, 200]
    assert log[1].at - log[0].at >= 0.6
    assert log[2].at - log[1].at >= 0.4


async def test_the_rate_gate_is_shared_by_concurrent_calls(server: ScriptedZulip) -> None:
    import asyncio

    api = ZulipApi(section(server.url), retry=FAST)
    await api.open()
    server.scripts["/api/v1/users/me"] = [rate_limited(0.5)]
    first = asyncio.create_task(api.call("users/me"))
    await asyncio.sleep(0.2)  # the 429 is in; a new call must wait for the gate
    await api.call("users/other")
    await first
    limited = server.requests(path="/api/v1/users/me")[0]
    other = server.requests(path="/api/v1/users/other")[0]
    assert other.at - limited.at >= 0.5


async def test_5xx_bursts_and_dropped_connections_are_retried(server: ScriptedZulip) -> None:
    api = ZulipApi(section(server.url), retry=FAST)
    await api.open()
    server.fail_next("/api/v1/users/me", 2, mode="502")
    server.fail_next("/api/v1/users/me", 1, mode="drop")
    assert (await api.call("users/me"))["user_id"] == 7
    statuses = [r.status for r in server.requests(path="/api/v1/users/me")]
    assert statuses == [502, 502, 0, 200]


async def test_a_5xx_storm_ends_in_server_unavailable(server: ScriptedZulip) -> None:
    api = ZulipApi(section(server.url), retry=FAST)
    await api.open()
    server.fail_next("/api/v1/users/me", FAST.attempts, mode="503")
    with pytest.raises(ServerUnavailable, match="HTTP 503"):
        await api.call("users/me")
    assert len(server.requests(path="/api/v1/users/me")) == FAST.attempts


async def test_401_is_one_clear_line_without_the_key(server: ScriptedZulip) -> None:
    api = ZulipApi(section(server.url), retry=FAST)
    await api.open()
    server.scripts["/api/v1/register"] = [
        (401, {"result": "error", "msg": "Invalid API key", "code": "UNAUTHORIZED"})
    ]
    with pytest.raises(AuthError) as caught:
        await api.call("register", "POST")
    text = str(caught.value)
    assert text == (
        f"Zulip rejected the bot's credentials for bot@example.com at {server.url}: Invalid API key"
    )
    assert KEY not in text
    assert "\n" not in text
    assert len(server.requests(path="/api/v1/register")) == 1


async def test_other_refusals_carry_zulips_code_and_message(server: ScriptedZulip) -> None:
    api = ZulipApi(section(server.url), retry=FAST)
    await api.open()
    server.scripts["/api/v1/events"] = [
        (400, {"result": "error", "msg": "Bad event queue ID: x", "code": "BAD_EVENT_QUEUE_ID"})
    ]
    with pytest.raises(ZulipRequestError) as caught:
        await api.call("events", "GET", {"queue_id": "x", "last_event_id": -1})
    assert caught.value.code == "BAD_EVENT_QUEUE_ID"


async def test_a_429_at_construction_is_waited_out(server: ScriptedZulip) -> None:
    server.scripts["/api/v1/server_settings"] = [rate_limited(0.5)]
    api = ZulipApi(section(server.url), retry=FAST)
    await api.open()
    log = server.requests(path="/api/v1/server_settings")
    assert [r.status for r in log] == [429, 200]
    assert log[1].at - log[0].at >= 0.5
    assert api.feature_level == 372


async def test_nothing_listening_ends_in_server_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = ZulipApi(section(f"http://127.0.0.1:{port}"), retry=FAST)
    with pytest.raises(ServerUnavailable, match="connection failed"):
        await api.open()


async def test_a_missing_zuliprc_is_a_config_error(tmp_path: Path) -> None:
    api = ZulipApi(ZulipSection(zuliprc=tmp_path / "nope"), retry=FAST)
    with pytest.raises(ConfigError, match="does not exist"):
        await api.open()


async def test_credentials_come_from_a_zuliprc(server: ScriptedZulip, tmp_path: Path) -> None:
    rc = tmp_path / "zuliprc"
    rc.write_text(f"[api]\nemail=rc-bot@example.com\nkey={KEY}\nsite={server.url}\n")
    api = ZulipApi(ZulipSection(zuliprc=rc), retry=FAST)
    await api.open()
    assert api.email == "rc-bot@example.com"
    assert api.site == server.url
    assert json.dumps(await api.call("users/me"))


async def test_a_site_that_is_not_zulip_is_a_config_error(server: ScriptedZulip) -> None:
    api = ZulipApi(section(f"{server.url}/not-zulip"), retry=FAST)
    with pytest.raises(ConfigError, match="does not answer like a Zulip server"):
        await api.open()
