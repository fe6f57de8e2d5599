"""The values `botkit init` writes are placeholders: a bot cannot log in with them."""

from __future__ import annotations

from botkit.cli.scaffold import config_text
from botkit.config import backend_problems

from .conftest import WriteConfig, load

NOTE = "still the placeholder from botkit init: put the bot's real value here"


def test_the_initial_config_names_each_placeholder(write_config: WriteConfig) -> None:
    loaded = load(write_config(config_text(["plugins"])))
    assert backend_problems(loaded) == [
        f"config.toml: zulip.site: {NOTE}",
        f"config.toml: zulip.email: {NOTE}",
        f"config.toml: zulip.api_key: {NOTE}",
    ]


def test_real_values_from_the_environment_replace_them(write_config: WriteConfig) -> None:
    env = {
        "BOTKIT_ZULIP__SITE": "https://zulip.example.net",
        "BOTKIT_ZULIP__EMAIL": "bot@example.net",
        "BOTKIT_ZULIP__API_KEY": "real-key",
    }
    assert backend_problems(load(write_config(config_text(["plugins"])), env)) == []


def test_a_placeholder_set_in_the_environment_names_the_variable(
    write_config: WriteConfig,
) -> None:
    path = write_config('[zulip]\nsite = "https://zulip.example.net"\nemail = "bot@x.org"\n')
    loaded = load(path, {"BOTKIT_ZULIP__API_KEY": "replace-with-the-bot-api-key"})
    assert backend_problems(loaded) == [f"BOTKIT_ZULIP__API_KEY: zulip.api_key: {NOTE}"]


def test_rocketchat_placeholders_too(write_config: WriteConfig) -> None:
    path = write_config(
        '[bot]\nbackend = "rocketchat"\n[rocketchat]\nserver_url = "https://chat.example.com"\n'
        'user_id = "the-bot-user-id"\nauth_token = "..."\n'
    )
    assert backend_problems(load(path)) == [
        f"config.toml: rocketchat.server_url: {NOTE}",
        f"config.toml: rocketchat.user_id: {NOTE}",
        f"config.toml: rocketchat.auth_token: {NOTE}",
    ]
