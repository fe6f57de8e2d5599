"""`botkit check-config` reports every problem of a file in one run, plugin tables included,
each on its own line in the same words, naming the file or variable it came from."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .conftest import ZULIP_CONFIG, Invoke

TIMED = '''
    """Does something on a schedule."""
    from pydantic import BaseModel

    from botkit import Plugin
    from botkit.config.schema import Duration, TimeZoneName


    class Job(BaseModel):
        timezone: TimeZoneName = "UTC"
        every: Duration


    class TimedPlugin(Plugin):
        name = "timed"

        class Config(BaseModel):
            jobs: list[Job] = []
            retries: int = 1
'''


def _project(tables: str) -> None:
    plugins = Path("plugins")
    (plugins / "timed").mkdir(parents=True)
    (plugins / "timed" / "__init__.py").write_text(textwrap.dedent(TIMED), encoding="utf-8")
    config = ZULIP_CONFIG.format(api_key="k") + '[plugins]\npaths = ["plugins"]\n' + tables
    Path("config.toml").write_text(config, encoding="utf-8")


def test_core_and_plugin_problems_come_together_one_per_line(invoke: Invoke) -> None:
    _project(
        "[delivery]\nmax_attempts = 0\n"
        "[plugins.receipts]\nmax_name = 3\n"
        "[plugins.timed]\nretries = 'x'\n"
        "[[plugins.timed.jobs]]\ntimezone = 'Nowhere/City'\nevery = '200000w'\n"
    )
    result = invoke("check-config")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: configuration has 5 problems",
        "config.toml: delivery.max_attempts: must be at least 1",
        "config.toml: plugins.receipts.max_name: unknown key (did you mean max_names?)",
        "config.toml: plugins.timed.jobs[0].timezone: unknown time zone 'Nowhere/City': "
        "use an IANA name such as 'Europe/Berlin' or 'UTC'",
        "config.toml: plugins.timed.jobs[0].every: '200000w' is too long: "
        "durations are at most 10 years (3650d)",
        "config.toml: plugins.timed.retries: must be an integer",
    ]


def test_plugin_problems_from_the_environment_name_the_variable(invoke: Invoke) -> None:
    _project("")
    env = {"BOTKIT_PLUGINS__TIMED__RETRIES": "0x", "BOTKIT_PLUGINS__RECEIPTS__MAX_NAMES": "0"}
    result = invoke("check-config", env=env)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [
        "BOTKIT_PLUGINS__RECEIPTS__MAX_NAMES: plugins.receipts.max_names: must be at least 1",
        "BOTKIT_PLUGINS__TIMED__RETRIES: plugins.timed.retries: must be an integer",
    ]


def test_an_unknown_enabled_plugin_names_the_variable_that_set_it(invoke: Invoke) -> None:
    _project("")
    result = invoke("check-config", env={"BOTKIT_PLUGINS__ENABLED": '["receipt"]'})
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()[1:]
    assert line.startswith(
        "BOTKIT_PLUGINS__ENABLED: plugin 'receipt': is in [plugins] enabled but does not exist"
    )


def test_an_unknown_enabled_plugin_in_the_file_names_the_file(invoke: Invoke) -> None:
    Path("config.toml").write_text(
        ZULIP_CONFIG.format(api_key="k") + '[plugins]\nenabled = ["receipt"]\n', encoding="utf-8"
    )
    result = invoke("check-config")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1].startswith(
        "config.toml: plugin 'receipt': is in [plugins] enabled but does not exist"
    )


def test_an_invalid_plugins_section_stops_before_the_plugins(invoke: Invoke) -> None:
    Path("config.toml").write_text(
        ZULIP_CONFIG.format(api_key="k") + '[plugins]\nenabled = "receipts"\n', encoding="utf-8"
    )
    result = invoke("check-config")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: configuration has 1 problem",
        "config.toml: plugins.enabled: must be a list",
    ]


def test_a_bad_backend_section_gets_no_follow_up_credential_problem(invoke: Invoke) -> None:
    Path("config.toml").write_text(
        ZULIP_CONFIG.format(api_key="k") + "timeout = 0\n", encoding="utf-8"
    )
    result = invoke("check-config")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: configuration has 1 problem",
        "config.toml: zulip.timeout: must be greater than 0",
    ]
