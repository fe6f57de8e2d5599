"""Relative paths resolve against the config file's folder (environment ones: the cwd)."""

from __future__ import annotations

from pathlib import Path

from .conftest import WriteConfig, load


def test_file_paths_resolve_against_the_file(write_config: WriteConfig, tmp_path: Path) -> None:
    path = write_config(
        '[bot]\ndata_dir = "state"\n[zulip]\nzuliprc = "secrets/zuliprc"\n'
        '[plugins]\npaths = ["plugins", "../shared", "/opt/botkit-plugins"]\n',
        "deploy/config.toml",
    )
    settings = load(path).settings
    folder = tmp_path / "deploy"
    assert settings.bot.data_dir == folder / "state"
    assert settings.zulip.zuliprc == folder / "secrets" / "zuliprc"
    assert settings.plugins.paths == [
        folder / "plugins",
        tmp_path / "shared",
        Path("/opt/botkit-plugins"),
    ]


def test_default_data_dir_is_beside_the_file(write_config: WriteConfig, tmp_path: Path) -> None:
    path = write_config("", "deploy/config.toml")
    assert load(path).settings.bot.data_dir == tmp_path / "deploy" / ".botkit"


def test_env_paths_resolve_against_the_working_dir(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config('[bot]\ndata_dir = "state"\n', "deploy/config.toml")
    settings = load(
        path, {"BOTKIT_BOT__DATA_DIR": "here", "BOTKIT_PLUGINS__PATHS": '["p"]'}
    ).settings
    assert settings.bot.data_dir == tmp_path / "here"
    assert settings.plugins.paths == [tmp_path / "p"]


def test_home_is_expanded(write_config: WriteConfig) -> None:
    path = write_config('[zulip]\nzuliprc = "~/.zuliprc"\n')
    assert load(path).settings.zulip.zuliprc == Path.home() / ".zuliprc"
