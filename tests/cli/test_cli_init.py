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
    real = {
        "BOTKIT_ZULIP__SITE": "https://zulip.example.net",
        "BOTKIT_ZULIP__EMAIL": "bot@example.net",
        "BOTKIT_ZULIP__API_KEY": "the-real-key",
    }
    result = invoke("check-config", env=real)
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


def test_init_writes_a_pytest_config_for_quiet_async_tests(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("init", "mybot")
    assert result.exit_code == 0, result.output
    assert f"wrote {Path('mybot') / 'pytest.ini'}" in result.stdout
    ini = (tmp_path / "mybot" / "pytest.ini").read_text(encoding="utf-8")
    assert "asyncio_mode = auto" in ini.splitlines()
    assert "asyncio_default_fixture_loop_scope = function" in ini.splitlines()


def test_init_keeps_an_existing_pytest_config(invoke: Invoke, tmp_path: Path) -> None:
    mine = "[project]\nname = 'x'\n[tool.pytest.ini_options]\naddopts = '-q'\n"
    (tmp_path / "pyproject.toml").write_text(mine, encoding="utf-8")
    result = invoke("init")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "pytest.ini").exists()
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == mine
    assert f"kept the pytest configuration in {tmp_path / 'pyproject.toml'}" in result.stdout
    assert 'asyncio_default_fixture_loop_scope = "function"' in result.stdout


def test_init_force_never_replaces_a_pytest_ini(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n# mine\n", encoding="utf-8")
    result = invoke("init", "--force")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pytest.ini").read_text(encoding="utf-8") == "[pytest]\n# mine\n"


def test_a_pyproject_without_pytest_settings_gets_a_pytest_ini(
    invoke: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert invoke("init").exit_code == 0
    assert (tmp_path / "pytest.ini").is_file()
