"""On Rocket.Chat a room is marked read only as a whole: one transient handler failure used to keep
it unread until the next start. With the in-run retry the room is read again within the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from botkit.backends.rocketchat import RetryPolicy, RocketChatBackend
from botkit.config import Settings
from botkit.runtime import Bot
from botkit.servers.rocketchat import LocalRocketChat

from .conftest import running, wait_until
from .test_in_run_retries import FlakyHost

FAST_RETRY = RetryPolicy(attempts=3, backoff_base=0.02, backoff_cap=0.1, rate_limit_waits=3)


@pytest.fixture
def server() -> Iterator[LocalRocketChat]:
    srv = LocalRocketChat(rate_limit=None).start()
    try:
        yield srv
    finally:
        srv.stop()


async def test_a_transient_failure_no_longer_keeps_the_room_unread(
    server: LocalRocketChat, tmp_path: Path
) -> None:
    alice = server.create_user("alice", name="Alice", password="alice-pw")
    bot_user = server.create_user("bot", name="Bot", password="bot-pw", roles=("bot",))
    general = server.create_room("general", type="c", members=[alice, bot_user])
    settings = Settings.model_validate(
        {
            "bot": {"backend": "rocketchat", "data_dir": str(tmp_path)},
            "rocketchat": {
                "server_url": server.url,
                "user_id": bot_user.id,
                "auth_token": bot_user.auth_token,
                "poll_interval": 0.05,
            },
            "delivery": {"retry_delay": "0.1s"},
        }
    )
    backend = RocketChatBackend(settings, retry=FAST_RETRY)
    host = FlakyHost(backend)  # type: ignore[arg-type]  # it only calls send()
    bot = Bot(settings, backend=backend, host=host)
    async with running(bot):
        message_id = server.send_message(alice, general, "hello")
        await wait_until(lambda: host.handled == ["hello"], "the first attempt failed")
        assert server.subscription(bot_user, general)["unread"] == 1
        await wait_until(
            lambda: server.subscription(bot_user, general)["unread"] == 0, "the room is read"
        )
    assert host.handled == ["hello", "hello"]
    assert bot_user.id in {uid for uid, _ in server.receipts(message_id)}
