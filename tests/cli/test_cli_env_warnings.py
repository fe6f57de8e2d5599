"""A BOTKIT_SECTION_KEY variable (one underscore) sets nothing: every command warns about it."""

from __future__ import annotations

from pathlib import Path

from .conftest import ZULIP_CONFIG, Invoke

SECRET = "sekret-in-the-misspelled-variable"


def test_check_config_warns_with_the_right_spelling_and_no_value(invoke: Invoke) -> None:
    Path("config.toml").write_text(ZULIP_CONFIG.format(api_key="k"), encoding="utf-8")
    result = invoke("check-config", env={"BOTKIT_ZULIP_API_KEY": SECRET})
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "warning: BOTKIT_ZULIP_API_KEY is ignored: did you mean BOTKIT_ZULIP__API_KEY? "
        "(two underscores between the section and the key)"
    ]
    assert SECRET not in result.output


def test_the_warning_comes_before_the_error_it_explains(invoke: Invoke) -> None:
    Path("config.toml").write_text(ZULIP_CONFIG.format(api_key=""), encoding="utf-8")
    result = invoke("run", env={"BOTKIT_ZULIP_API_KEY": SECRET})
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("warning: BOTKIT_ZULIP_API_KEY is ignored: did you mean ")
    assert lines[1] == "error: the zulip backend is not fully configured"
    assert SECRET not in result.output
