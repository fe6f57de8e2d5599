"""BOTKIT_<SECTION>__<KEY> variables override the file; their errors name the variable."""

from __future__ import annotations

from datetime import timedelta

from .conftest import WriteConfig, load, problems_of


def test_env_overrides_one_key_and_keeps_the_rest(write_config: WriteConfig) -> None:
    path = write_config('[zulip]\nsite = "https://chat.example.com"\nemail = "bot@example.com"\n')
    zulip = load(path, {"BOTKIT_ZULIP__API_KEY": "k3y"}).settings.zulip
    assert zulip.api_key is not None
    assert zulip.api_key.get_secret_value() == "k3y"
    assert (zulip.site, zulip.email) == ("https://chat.example.com", "bot@example.com")


def test_env_wins_over_the_file(write_config: WriteConfig) -> None:
    path = write_config("[delivery]\nmax_attempts = 2\n")
    assert load(path, {"BOTKIT_DELIVERY__MAX_ATTEMPTS": "7"}).settings.delivery.max_attempts == 7


def test_names_are_case_insensitive(write_config: WriteConfig) -> None:
    path = write_config("")
    assert load(path, {"botkit_bot__name": "lower"}).settings.bot.name == "lower"


def test_lists_come_as_json(write_config: WriteConfig) -> None:
    env = {"BOTKIT_PLUGINS__ENABLED": '["receipts", "audit"]', "BOTKIT_ACL__ADMINS": '["ann"]'}
    settings = load(write_config(""), env).settings
    assert settings.plugins.enabled == ["receipts", "audit"]
    assert settings.acl.admins == ["ann"]


def test_deeper_keys_and_plugin_tables(write_config: WriteConfig) -> None:
    path = write_config("[plugins.weather]\ncity = 'Paris'\n")
    env = {
        "BOTKIT_ACL__COMMANDS__RECEIPTS__ADMIN_ONLY": "true",
        "BOTKIT_PLUGINS__WEATHER__UNITS": "metric",
    }
    settings = load(path, env).settings
    assert settings.acl.commands["receipts"].admin_only is True
    assert settings.plugins.section("weather") == {"city": "Paris", "units": "metric"}


def test_durations_and_booleans_from_strings(write_config: WriteConfig) -> None:
    env = {"BOTKIT_CATCH_UP__MAX_AGE": "2h", "BOTKIT_CATCH_UP__ENABLED": "false"}
    catch_up = load(write_config(""), env).settings.catch_up
    assert (catch_up.max_age, catch_up.enabled) == (timedelta(hours=2), False)


def test_whole_section_as_json(write_config: WriteConfig) -> None:
    path = write_config("[delivery]\nmax_attempts = 2\n")
    env = {"BOTKIT_DELIVERY": '{"max_concurrency": 4}'}
    delivery = load(path, env).settings.delivery
    assert (delivery.max_attempts, delivery.max_concurrency) == (2, 4)


def test_unrelated_variables_are_ignored(write_config: WriteConfig) -> None:
    env = {"BOTKIT_HOME": "/x", "BOTKIT_DEBUG": "1", "BOTKIT_CONFIG": "", "HOME": "/root"}
    assert load(write_config(""), env).overrides == ()


def test_bad_value_names_the_variable(write_config: WriteConfig) -> None:
    path = write_config("[delivery]\nmax_attempts = 2\n")
    assert problems_of(path, {"BOTKIT_DELIVERY__MAX_ATTEMPTS": "many"}) == [
        "BOTKIT_DELIVERY__MAX_ATTEMPTS: delivery.max_attempts: must be an integer"
    ]


def test_bad_choice_names_the_variable(write_config: WriteConfig) -> None:
    assert problems_of(write_config(""), {"BOTKIT_BOT__BACKEND": "slack"}) == [
        "BOTKIT_BOT__BACKEND: bot.backend: must be one of 'zulip', 'rocketchat', 'memory' "
        "(got 'slack')"
    ]


def test_list_that_is_not_json(write_config: WriteConfig) -> None:
    assert problems_of(write_config(""), {"BOTKIT_ACL__ADMINS": "ann,bob"}) == [
        'BOTKIT_ACL__ADMINS: acl.admins: must be JSON, e.g. ["a", "b"] '
        "(Expecting value at character 1)"
    ]


def test_json_that_is_not_a_list(write_config: WriteConfig) -> None:
    assert problems_of(write_config(""), {"BOTKIT_ACL__ADMINS": '"ann"'}) == [
        'BOTKIT_ACL__ADMINS: acl.admins: must be a JSON list, e.g. ["a", "b"]'
    ]


def test_unknown_key_from_env(write_config: WriteConfig) -> None:
    assert problems_of(write_config(""), {"BOTKIT_ZULIP__API_KEE": "x"}) == [
        "BOTKIT_ZULIP__API_KEE: zulip.api_kee: unknown key (did you mean api_key?)"
    ]


def test_unknown_section_from_env(write_config: WriteConfig) -> None:
    assert problems_of(write_config(""), {"BOTKIT_ZULLIP__API_KEY": "x"}) == [
        "BOTKIT_ZULLIP__API_KEY: unknown section 'zullip' (did you mean BOTKIT_ZULIP__...?)"
    ]


def test_file_and_env_problems_each_name_their_source(write_config: WriteConfig) -> None:
    path = write_config("[delivery]\nmax_concurrency = 0\n")
    assert problems_of(path, {"BOTKIT_DELIVERY__MAX_ATTEMPTS": "0"}) == [
        "BOTKIT_DELIVERY__MAX_ATTEMPTS: delivery.max_attempts: must be at least 1",
        "config.toml: delivery.max_concurrency: must be at least 1",
    ]


def test_section_rule_names_both_sources(write_config: WriteConfig) -> None:
    path = write_config('[zulip]\nzuliprc = "zuliprc"\n')
    assert problems_of(path, {"BOTKIT_ZULIP__EMAIL": "bot@example.com"}) == [
        "BOTKIT_ZULIP__EMAIL, config.toml: zulip: give either zuliprc or email + api_key, not both"
    ]
