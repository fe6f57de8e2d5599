"""`botkit init`: a commented config.toml and an example plugin, never overwriting."""

from __future__ import annotations

from pathlib import Path

from botkit.cli.scaffold import config_text

from .conftest import Invoke

WRITTEN = ["config.toml", "plugins/hello/__init__.py", "tests/test_hello.py"]


def test_init_writes_a_project(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("init", "mybot")
    assert result.exit_code == 0, result.output
    for name in WRITTEN:
        assert (tmp_path / "mybot" / name).is_file(), name
        assert f"wrote {Path('mybot') / name}" in result.stdout
    config = (tmp_path / "mybot" / "config.toml").read_text(encoding="utf-8")
    assert config == config_text(["plugins"])
    assert "botkit check-config -c mybot/config.toml" in result.stdout


def test_init_config_validates_and_loads_the_example_plugin(invoke: Invoke) -> None:
    assert invoke("init").exit_code == 0
    result = invoke("check-config")
    assert result.exit_code == 0, result.output
    plugins_line = next(line for line in result.stdout.splitlines() if line.startswith("plugins:"))
    assert "hello" in plugins_line


def test_init_refuses_to_overwrite(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("init").exit_code == 0
    (tmp_path / "config.toml").write_text("# mine\n", encoding="utf-8")
    result = invoke("init")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: not overwriting existing files: config.toml, ")
    assert "--force" in result.stderr
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == "# mine\n"


def test_init_writes_nothing_when_one_file_exists(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_hello.py").write_text("# mine\n", encoding="utf-8")
    result = invoke("init")
    assert result.exit_code == 2
    assert not (tmp_path / "config.toml").exists()


def test_init_force_overwrites(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("# mine\n", encoding="utf-8")
    result = invoke("init", "--force")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == config_text(["plugins"])
