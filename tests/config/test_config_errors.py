"""Each problem is one line: where the value came from, the dotted key, what is wrong."""

from __future__ import annotations

import pytest

from botkit.errors import ConfigError

from .conftest import WriteConfig, load, problems_of


def test_unknown_key_suggests_the_close_one(write_config: WriteConfig) -> None:
    path = write_config('[zulip]\napi_kee = "x"\n')
    assert problems_of(path) == ["config.toml: zulip.api_kee: unknown key (did you mean api_key?)"]


def test_unknown_key_without_a_close_one(write_config: WriteConfig) -> None:
    path = write_config("[delivery]\nturbo = true\n")
    assert problems_of(path) == ["config.toml: delivery.turbo: unknown key"]


def test_unknown_section_suggests_the_close_one(write_config: WriteConfig) -> None:
    path = write_config("[catchup]\nenabled = false\n")
    assert problems_of(path) == [
        "config.toml: catchup: unknown section [catchup] (did you mean [catch_up]?)"
    ]


def test_key_outside_its_section_names_the_section(write_config: WriteConfig) -> None:
    path = write_config('backend = "zulip"\n')
    assert problems_of(path) == [
        "config.toml: backend: unknown key: settings go in sections (did you mean bot.backend?)"
    ]


def test_choice_lists_the_allowed_values(write_config: WriteConfig) -> None:
    path = write_config('[bot]\nbackend = "slack"\n')
    assert problems_of(path) == [
        "config.toml: bot.backend: must be one of 'zulip', 'rocketchat', 'memory' (got 'slack')"
    ]


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        ('[delivery]\nmax_attempts = "lots"\n', "delivery.max_attempts: must be an integer"),
        ("[delivery]\nmax_attempts = 0\n", "delivery.max_attempts: must be at least 1"),
        ('[zulip]\ntimeout = "soon"\n', "zulip.timeout: must be a number"),
        ("[zulip]\ntimeout = 0\n", "zulip.timeout: must be greater than 0"),
        ('[catch_up]\nenabled = "maybe"\n', "catch_up.enabled: must be true or false"),
        ('[acl]\nadmins = "alice"\n', "acl.admins: must be a list"),
        ("[bot]\nname = 3\n", "bot.name: must be a string"),
        ('[bot]\ncommand_prefix = ""\n', "bot.command_prefix: must not be empty"),
        ('bot = "x"\n', "bot: must be a table"),
        (
            '[scheduler]\nmisfire_grace_time = "soon"\n',
            "scheduler.misfire_grace_time: 'soon' is not a duration: "
            "use a number and a unit (90s, 30m, 24h, 7d)",
        ),
        (
            '[acl.commands.receipts]\nallow_users = "bob"\n',
            "acl.commands.receipts.allow_users: must be a list",
        ),
    ],
)
def test_bad_values_are_named_by_key(write_config: WriteConfig, toml: str, line: str) -> None:
    assert problems_of(write_config(toml)) == [f"config.toml: {line}"]


def test_every_problem_is_reported_at_once(write_config: WriteConfig) -> None:
    path = write_config('[bot]\nbackend = "irc"\n[delivery]\nmax_attempts = "x"\nwat = 1\n')
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.message == "invalid configuration (3 problems)"
    assert len(caught.value.problems) == 3


def test_invalid_toml_names_file_and_line(write_config: WriteConfig) -> None:
    path = write_config('[bot]\nname = "ok"\n\n[zulip]\nsite = https://x\n')
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.message == "config.toml is not valid TOML"
    assert caught.value.problems == ["config.toml:5: invalid TOML: Invalid value (column 8)"]


def test_invalid_toml_at_end_of_file(write_config: WriteConfig) -> None:
    path = write_config('[bot]\nname = "unterminated\n')
    [line] = problems_of(path)
    assert line.startswith("config.toml:2: invalid TOML: ")


def test_file_is_named_as_the_user_gave_it(write_config: WriteConfig) -> None:
    path = write_config("[bot]\nwat = 1\n", "conf/bot.toml")
    assert problems_of(path) == [f"{path}: bot.wat: unknown key"]


def test_mutually_exclusive_credentials(write_config: WriteConfig) -> None:
    path = write_config('[zulip]\nzuliprc = "zuliprc"\nemail = "bot@example.com"\n')
    assert problems_of(path) == [
        "config.toml: zulip: give either zuliprc or email + api_key, not both"
    ]


def test_plugin_tables_are_left_to_the_plugins(write_config: WriteConfig) -> None:
    path = write_config("[plugins.weather]\ncity = 'Paris'\nunits = 'metric'\n")
    assert load(path).settings.plugins.section("weather") == {"city": "Paris", "units": "metric"}
