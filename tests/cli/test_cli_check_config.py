"""`botkit check-config`: a summary without secrets (exit 0), or one line per problem (exit 2)."""

from __future__ import annotations

from pathlib import Path

from .conftest import ZULIP_CONFIG, Invoke

SECRET = "zulip-KEY-never-shown"
EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def _write(text: str, name: str = "config.toml") -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


def test_summary_of_a_valid_config(invoke: Invoke, tmp_path: Path) -> None:
    _write(ZULIP_CONFIG.format(api_key=SECRET))
    result = invoke("check-config")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"config:           {tmp_path / 'config.toml'}" in lines
    assert "backend:          zulip" in lines
    assert "bot name:         testbot" in lines
    assert "site:             https://zulip.example.net" in lines
    assert "api_key:          set" in lines
    assert f"data_dir:         {tmp_path / '.botkit'}" in lines
    assert any(line.startswith("plugins:") and "receipts" in line for line in lines)
    assert lines[-1] == "configuration OK"
    assert SECRET not in result.output


def test_summary_names_the_environment_overrides(invoke: Invoke) -> None:
    _write(ZULIP_CONFIG.format(api_key=""))
    result = invoke("check-config", env={"BOTKIT_ZULIP__API_KEY": SECRET})
    assert result.exit_code == 0, result.output
    assert "environment (BOTKIT_ZULIP__API_KEY)" in result.stdout
    assert "api_key:          set" in result.stdout
    assert SECRET not in result.output


def test_rocketchat_summary_hides_the_password(invoke: Invoke) -> None:
    _write(
        '[bot]\nbackend = "rocketchat"\n[rocketchat]\nserver_url = "http://rc.local"\n'
        f'username = "bot"\npassword = "{SECRET}"\n'
    )
    result = invoke("check-config")
    assert result.exit_code == 0, result.output
    assert "password:         set" in result.stdout
    assert SECRET not in result.output


def test_problems_exit_2_one_line_each(invoke: Invoke) -> None:
    _write('[bot]\nbackend = "slack"\n[zulip]\napi_kee = "x"\n')
    result = invoke("check-config", env={"BOTKIT_DELIVERY__MAX_ATTEMPTS": "many"})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: configuration has 3 problems",
        "config.toml: bot.backend: must be one of 'zulip', 'rocketchat', 'memory' (got 'slack')",
        "config.toml: zulip.api_kee: unknown key (did you mean api_key?)",
        "BOTKIT_DELIVERY__MAX_ATTEMPTS: delivery.max_attempts: must be an integer",
    ]


def test_incomplete_credentials_exit_2(invoke: Invoke) -> None:
    _write('[zulip]\nsite = "https://chat.example.com"\n')
    result = invoke("check-config")
    assert result.exit_code == 2
    assert "config.toml: zulip: [zulip] needs site, email and api_key, or zuliprc" in result.stderr


def test_plugin_sections_are_validated(invoke: Invoke) -> None:
    _write(ZULIP_CONFIG.format(api_key="k") + "[plugins.nosuchplugin]\nx = 1\n")
    result = invoke("check-config")
    assert result.exit_code == 2
    assert (
        "config.toml: plugin 'nosuchplugin': [plugins.nosuchplugin] configures a plugin that "
        "does not exist" in result.stderr
    )


def test_invalid_toml_names_the_line(invoke: Invoke) -> None:
    _write("[bot]\nname = 'x'\nname = 'y'\n")
    result = invoke("check-config")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        "config.toml:3: invalid TOML: Cannot overwrite a value (column 11)"
    )


def test_botkit_config_variable_picks_the_file(invoke: Invoke) -> None:
    _write(ZULIP_CONFIG.format(api_key="k"), "elsewhere.toml")
    result = invoke("check-config", env={"BOTKIT_CONFIG": "elsewhere.toml"})
    assert result.exit_code == 0, result.output
    assert "elsewhere.toml" in result.stdout


def test_the_shipped_example_validates_once_given_real_credentials(invoke: Invoke) -> None:
    real = {
        "BOTKIT_ZULIP__SITE": "https://zulip.example.net",
        "BOTKIT_ZULIP__EMAIL": "bot@example.net",
        "BOTKIT_ZULIP__API_KEY": SECRET,
    }
    result = invoke("check-config", "-c", str(EXAMPLE), env=real)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "configuration OK"


def test_the_shipped_example_validates_and_warns_about_its_placeholders(invoke: Invoke) -> None:
    result = invoke("check-config", "-c", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "configuration OK"
    note = "still the placeholder from botkit init: put the bot's real value here"
    assert result.stderr.splitlines() == [
        f"warning: {EXAMPLE}: zulip.site: {note} (botkit run refuses it)",
        f"warning: {EXAMPLE}: zulip.email: {note} (botkit run refuses it)",
        f"warning: {EXAMPLE}: zulip.api_key: {note} (botkit run refuses it)",
    ]


def test_run_refuses_the_placeholders(invoke: Invoke) -> None:
    result = invoke("run", "-c", str(EXAMPLE))
    assert result.exit_code == 2
    assert "zulip.api_key: still the placeholder from botkit init" in result.stderr
