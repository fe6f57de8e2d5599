"""BOTKIT_ZULIP_API_KEY (one underscore) sets nothing: it gets a warning with the right name."""

from __future__ import annotations

from botkit.config.environment import misspelled_variables


def test_one_underscore_between_section_and_key_is_named_with_the_fix() -> None:
    env = {"BOTKIT_ZULIP_API_KEY": "sekret-value", "BOTKIT_CATCH_UP_MAX_AGE": "2d"}
    assert misspelled_variables(env) == [
        "warning: BOTKIT_CATCH_UP_MAX_AGE is ignored: did you mean BOTKIT_CATCH_UP__MAX_AGE? "
        "(two underscores between the section and the key)",
        "warning: BOTKIT_ZULIP_API_KEY is ignored: did you mean BOTKIT_ZULIP__API_KEY? "
        "(two underscores between the section and the key)",
    ]


def test_right_names_and_unrelated_ones_get_no_warning() -> None:
    env = {
        "BOTKIT_ZULIP__API_KEY": "k",
        "BOTKIT_CONFIG": "x.toml",
        "BOTKIT_DEBUG": "1",
        "BOTKIT_ZULIP": "{}",
        "BOTKIT_HOME": "/srv",
        "ZULIP_API_KEY": "k",
    }
    assert misspelled_variables(env) == []
