"""The chosen backend's section must be complete before the bot can run."""

from __future__ import annotations

from pathlib import Path

import pytest

from botkit.config import backend_problems, require_backend_credentials
from botkit.errors import ConfigError

from .conftest import WriteConfig, load

ZULIP = '[zulip]\nsite = "https://zulip.example.net"\nemail = "bot@example.com"\n'


def test_complete_zulip_section(write_config: WriteConfig) -> None:
    loaded = load(write_config(ZULIP + 'api_key = "k"\n'))
    assert backend_problems(loaded) == []


def test_zulip_key_from_environment_completes_the_section(write_config: WriteConfig) -> None:
    loaded = load(write_config(ZULIP), {"BOTKIT_ZULIP__API_KEY": "k"})
    assert backend_problems(loaded) == []


def test_incomplete_zulip_section_names_what_is_missing(write_config: WriteConfig) -> None:
    loaded = load(write_config('[zulip]\nsite = "https://chat.example.com"\napi_key = ""\n'))
    assert backend_problems(loaded) == [
        "config.toml: zulip: [zulip] needs site, email and api_key, or zuliprc "
        "(missing: email, api_key; each can also be set as BOTKIT_ZULIP__EMAIL etc.)"
    ]


def test_zuliprc_must_exist(write_config: WriteConfig, tmp_path: Path) -> None:
    loaded = load(write_config('[zulip]\nzuliprc = "zuliprc"\n'))
    assert backend_problems(loaded) == [
        f"config.toml: zulip.zuliprc: file not found: {tmp_path / 'zuliprc'}"
    ]
    (tmp_path / "zuliprc").write_text("[api]\nemail=bot@x.org\nkey=k\nsite=https://x.org\n")
    assert backend_problems(loaded) == []


@pytest.mark.parametrize(
    ("section", "missing"),
    [
        ('server_url = "http://rc"\nuser_id = "u"\n', "auth_token"),
        ('server_url = "http://rc"\nusername = "bot"\n', "password"),
        ('user_id = "u"\nauth_token = "t"\n', "server_url"),
        ("", "server_url, user_id, auth_token"),
    ],
)
def test_incomplete_rocketchat_section(
    write_config: WriteConfig, section: str, missing: str
) -> None:
    loaded = load(write_config('[bot]\nbackend = "rocketchat"\n[rocketchat]\n' + section))
    [problem] = backend_problems(loaded)
    assert problem.startswith(
        "config.toml: rocketchat: [rocketchat] needs server_url, and user_id + auth_token "
        f"or username + password (missing: {missing};"
    )


def test_complete_rocketchat_sections(write_config: WriteConfig) -> None:
    token = load(
        write_config('[bot]\nbackend = "rocketchat"\n[rocketchat]\nserver_url = "http://rc"\n'),
        {"BOTKIT_ROCKETCHAT__USER_ID": "u", "BOTKIT_ROCKETCHAT__AUTH_TOKEN": "t"},
    )
    assert backend_problems(token) == []


def test_memory_backend_needs_nothing(write_config: WriteConfig) -> None:
    assert backend_problems(load(write_config('[bot]\nbackend = "memory"\n'))) == []


def test_require_without_a_file_says_no_file_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        require_backend_credentials(load())
    assert caught.value.message == "the zulip backend is not fully configured"
    assert caught.value.problems[0].startswith(
        "config.toml (not found): zulip: [zulip] needs site, email"
    )
    assert caught.value.problems[1].startswith("no config file was read (config.toml not found)")
