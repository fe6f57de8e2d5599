"""Which file is read: -c PATH, else $BOTKIT_CONFIG, else ./config.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from botkit.config import load_config, load_settings
from botkit.errors import ConfigError

from .conftest import WriteConfig, load


def test_given_path_is_read(write_config: WriteConfig) -> None:
    path = write_config('[bot]\nname = "given"\n', "elsewhere/bot.toml")
    loaded = load(path)
    assert loaded.settings.bot.name == "given"
    assert loaded.path == path.resolve()
    assert loaded.base_dir == path.parent.resolve()


def test_botkit_config_env_names_the_file(write_config: WriteConfig) -> None:
    path = write_config('[bot]\nname = "from-env-file"\n', "env.toml")
    settings = load_settings(env={"BOTKIT_CONFIG": str(path)})
    assert settings.bot.name == "from-env-file"


def test_given_path_wins_over_botkit_config(write_config: WriteConfig) -> None:
    given = write_config('[bot]\nname = "given"\n', "given.toml")
    other = write_config('[bot]\nname = "env"\n', "other.toml")
    assert load(given, {"BOTKIT_CONFIG": str(other)}).settings.bot.name == "given"


def test_default_is_config_toml_in_working_dir(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config('[bot]\nname = "default"\n')
    monkeypatch.chdir(path.parent)
    loaded = load()
    assert loaded.settings.bot.name == "default"
    assert loaded.label == "config.toml"


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file not found: .*nope\.toml"):
        load(tmp_path / "nope.toml")


def test_missing_file_from_botkit_config_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "gone.toml"
    with pytest.raises(ConfigError) as caught:
        load(env={"BOTKIT_CONFIG": str(missing)})
    assert caught.value.message == f"config file not found: {missing} (from BOTKIT_CONFIG)"


def test_missing_default_file_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    loaded = load(env={"BOTKIT_BOT__NAME": "envonly"})
    assert loaded.path is None
    assert loaded.settings.bot.name == "envonly"
    assert loaded.settings.bot.data_dir == tmp_path / ".botkit"


def test_missing_default_file_is_an_error_when_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"config file not found: config\.toml; .*botkit init"):
        load_config(env={}, require_file=True)


def test_a_folder_is_not_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file is not a file"):
        load(tmp_path)


def test_process_environment_is_used_by_default(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config('[bot]\nname = "file"\n')
    monkeypatch.setenv("BOTKIT_BOT__NAME", "process-env")
    assert load_settings(path).bot.name == "process-env"


def test_explicit_env_ignores_the_process_environment(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config('[bot]\nname = "file"\n')
    monkeypatch.setenv("BOTKIT_BOT__NAME", "process-env")
    assert load_settings(path, env={}).bot.name == "file"
