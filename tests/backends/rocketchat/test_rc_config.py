"""Configuration mistakes are reported before anything connects, naming the setting."""

from __future__ import annotations

import pytest

from botkit.backends import create_backend
from botkit.backends.rocketchat import RocketChatBackend
from botkit.config import Settings
from botkit.errors import ConfigError


def settings(**rocketchat: object) -> Settings:
    return Settings.model_validate({"bot": {"backend": "rocketchat"}, "rocketchat": rocketchat})


def test_the_registry_builds_this_backend() -> None:
    backend = create_backend(
        settings(server_url="https://chat.example.org", user_id="u", auth_token="t")
    )
    assert isinstance(backend, RocketChatBackend)
    assert backend.name == "rocketchat"
    assert backend.max_message_length == 5000


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"user_id": "u", "auth_token": "t"}, "server_url is missing"),
        ({"server_url": "chat.example.org", "user_id": "u", "auth_token": "t"}, "http://"),
        ({"server_url": "https://chat.example.org"}, "user_id + auth_token"),
        ({"server_url": "https://chat.example.org", "user_id": "u"}, "user_id + auth_token"),
    ],
)
def test_missing_or_bad_settings_name_what_is_wrong(section: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("+", r"\+")):
        RocketChatBackend(settings(**section))
