"""Server trouble: 5xx and dropped connections are retried with backoff (and a longer outage only
delays polling); bad credentials end with one clear line that never shows the secret."""

from __future__ import annotations

import asyncio

import pytest

from botkit.backends.rocketchat import RocketChatBackend
from botkit.config import Settings
from botkit.errors import AuthError

from .conftest import FAST_RETRY, World, listening, wait_until


async def test_5xx_and_dropped_connections_are_survived(world: World) -> None:
    server = world.server
    async with listening(world.backend(), world.state) as listener:
        server.fail_next("/api/v1/rooms.get", 2, "502")
        server.fail_next("/api/v1/channels.history", 1, "drop")
        server.fail_next("/api/v1/chat.postMessage", 1, "503")
        server.send_message(world.alice, world.general, "through the storm")
        message = await listener.next_text("through the storm")
        reply_id = await listener.backend.send(message.conversation, "made it")
    assert server.message(reply_id)["msg"] == "made it"
    statuses = [r.status for r in server.requests(path="/api/v1/rooms.get")]
    assert statuses.count(502) == 2
    assert 0 in [r.status for r in server.requests(path="/api/v1/channels.history")]  # dropped


async def test_an_outage_longer_than_the_retries_only_delays_polling(world: World) -> None:
    server = world.server
    async with listening(world.backend(), world.state) as listener:
        server.fail_next("/api/v1/rooms.get", FAST_RETRY.attempts + 2, "503")
        server.send_message(world.alice, world.general, "after the outage")
        await listener.next_text("after the outage")
        assert listener.task is not None
        assert not listener.task.done()


def token_settings(world: World, token: str) -> Settings:
    return Settings.model_validate(
        {
            "bot": {"backend": "rocketchat"},
            "rocketchat": {
                "server_url": world.server.url,
                "user_id": world.bot.id,
                "auth_token": token,
                "poll_interval": 0.05,
            },
        }
    )


async def test_a_bad_token_ends_with_a_clear_error_without_the_token(world: World) -> None:
    secret = "s3cr3t-token-value"
    backend = RocketChatBackend(token_settings(world, secret), retry=FAST_RETRY)
    with pytest.raises(AuthError) as caught:
        await backend.connect(world.state)
    await backend.close()
    text = str(caught.value)
    assert "rejected the credentials" in text
    assert world.bot.id in text
    assert secret not in text
    assert secret not in repr(caught.value)
    assert "\n" not in text


async def test_username_and_password_login_and_a_wrong_password(world: World) -> None:
    def password_settings(password: str) -> Settings:
        return Settings.model_validate(
            {
                "rocketchat": {
                    "server_url": world.server.url,
                    "username": "bot",
                    "password": password,
                }
            }
        )

    backend = RocketChatBackend(password_settings("bot-pw"), retry=FAST_RETRY)
    me = await backend.connect(world.state)
    await backend.close()
    assert me.id == world.bot.id
    assert world.server.requests(path="/api/v1/logout", user=world.bot.id)  # session ended

    wrong = RocketChatBackend(password_settings("nope-nope"), retry=FAST_RETRY)
    with pytest.raises(AuthError) as caught:
        await wrong.connect(world.state)
    await wrong.close()
    assert "refused the login of user 'bot'" in str(caught.value)
    assert "nope-nope" not in str(caught.value)


async def test_a_deactivated_account_stops_listening_with_auth_error(world: World) -> None:
    async with listening(world.backend(), world.state) as listener:
        world.server.deactivate(world.bot)
        task = listener.task
        assert task is not None
        await wait_until(task.done, "listening ends")
        with pytest.raises(AuthError):
            await asyncio.gather(task)
