"""`botkit new-plugin NAME`: a plugin package and its test, that botkit can load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ZULIP_CONFIG, Invoke


def test_new_plugin_writes_plugin_and_test(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("new-plugin", "standup_notes")
    assert result.exit_code == 0, result.output
    plugin = tmp_path / "plugins" / "standup_notes" / "__init__.py"
    test = tmp_path / "tests" / "test_standup_notes.py"
    assert plugin.is_file()
    assert test.is_file()
    assert "class StandupNotesPlugin(Plugin):" in plugin.read_text(encoding="utf-8")
    compile(plugin.read_text(encoding="utf-8"), str(plugin), "exec")
    compile(test.read_text(encoding="utf-8"), str(test), "exec")


def test_new_plugin_in_another_folder(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("new-plugin", "weather", "--dir", "bot/extras")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bot" / "extras" / "weather" / "__init__.py").is_file()
    assert (tmp_path / "bot" / "tests" / "test_weather.py").is_file()


@pytest.mark.parametrize(
    "name", ["Weather", "2fast", "my-plugin", "with space", "class", "", "json", "tests"]
)
def test_invalid_names_are_refused(invoke: Invoke, tmp_path: Path, name: str) -> None:
    result = invoke("new-plugin", name)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: invalid plugin name {name!r}: ")
    assert not (tmp_path / "plugins").exists()


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("help", "the plugin's command !help would clash with botkit's built-in !help"),
        ("receipts", "a bundled plugin has that name (bundled "),
        ("audit", "a bundled plugin has that name (bundled "),
        ("pydantic", "an installed Python module has that name, and the plugin's test would "),
        ("zulip", "an installed Python module has that name, and the plugin's test would "),
    ],
)
def test_names_already_in_use_are_refused(
    invoke: Invoke, tmp_path: Path, name: str, why: str
) -> None:
    result = invoke("new-plugin", name)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: invalid plugin name {name!r}: {why}")
    assert result.stderr.rstrip().endswith("; choose another")
    assert not (tmp_path / "plugins").exists()


def test_existing_plugin_is_not_overwritten(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("new-plugin", "weather").exit_code == 0
    plugin = tmp_path / "plugins" / "weather" / "__init__.py"
    plugin.write_text("# mine\n", encoding="utf-8")
    result = invoke("new-plugin", "weather")
    assert result.exit_code == 2
    assert "not overwriting existing files" in result.stderr
    assert plugin.read_text(encoding="utf-8") == "# mine\n"


def test_generated_plugin_is_listed_with_its_command(invoke: Invoke) -> None:
    assert invoke("new-plugin", "weather").exit_code == 0
    Path("config.toml").write_text(
        ZULIP_CONFIG.format(api_key="k") + '[plugins]\npaths = ["plugins"]\n', encoding="utf-8"
    )
    result = invoke("plugins")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index(f"weather  (path {Path.cwd() / 'plugins' / 'weather'})")
    assert lines[start + 1 : start + 4] == [
        "    Greets people (replace with what your plugin does).",
        "    !weather [WHO]",
        "        Say hello to WHO (default: to you)",
    ]


def test_generated_test_passes(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("new-plugin", "weather")
    assert result.exit_code == 0, result.output
    assert "wrote pytest.ini" in result.stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOTKIT_", "PYTEST_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_weather.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("2 passed in ")  # no "N warnings"
    assert "Warning" not in done.stdout + done.stderr
