"""The command group: version, help, error reporting and exit codes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from botkit._version import __version__
from botkit.cli import BotkitGroup
from botkit.errors import ConfigError, UsageError

from .conftest import Invoke

BOTKIT = Path(sys.executable).with_name("botkit")


def test_version_from_the_installed_command_is_fast() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [str(BOTKIT), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    elapsed = time.monotonic() - started
    assert (done.returncode, done.stdout.strip()) == (0, f"botkit, version {__version__}")
    assert elapsed < 2.0  # 0.3 s on an idle machine; generous for a loaded CI box


def test_version_imports_nothing_heavy() -> None:
    script = (
        "import sys\n"
        "from botkit.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'pydantic', 'pydantic_settings', 'zulip', 'rocketchat_API', 'apscheduler',"
        " 'rich', 'requests', 'sqlalchemy'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_help_lists_every_command(invoke: Invoke) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for name in ("run", "check-config", "init", "new-plugin", "plugins", "fake-server"):
        assert f"\n  {name} " in result.output


@pytest.mark.parametrize(
    "command", ["run", "check-config", "init", "new-plugin", "plugins", "fake-server"]
)
def test_every_command_has_help(invoke: Invoke, command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage: botkit" in result.output
    assert len(result.output.splitlines()) > 5


def test_fake_server_help_shows_its_options(invoke: Invoke) -> None:
    result = invoke("fake-server", "--help")
    assert "{zulip|rocketchat}" in result.output
    assert "--port" in result.output
    assert "--no-seed" in result.output


def test_fake_server_rejects_unknown_kinds(invoke: Invoke) -> None:
    result = invoke("fake-server", "slack")
    assert result.exit_code == 2
    assert "'slack' is not one of 'zulip', 'rocketchat'" in result.stderr


def test_unknown_command_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("rnu")
    assert result.exit_code == 2
    assert "No such command 'rnu'" in result.stderr


def _group_raising(error: Exception) -> click.Group:
    group = BotkitGroup(
        name="botkit", lazy_commands={}, params=[click.Option(["--debug"], is_flag=True)]
    )

    @group.command()
    def boom() -> None:
        raise error

    return group


def test_botkit_errors_print_message_and_problems() -> None:
    error = ConfigError("invalid configuration (2 problems)", ["a.toml: x: bad", "a.toml: y: bad"])
    result = CliRunner().invoke(_group_raising(error), ["boom"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: invalid configuration (2 problems)\na.toml: x: bad\na.toml: y: bad\n"
    )
    assert "Traceback" not in result.output


def test_single_problem_is_printed_once() -> None:
    result = CliRunner().invoke(_group_raising(UsageError("no such plugin")), ["boom"])
    assert (result.exit_code, result.stderr) == (2, "error: no such plugin\n")


def test_unexpected_errors_exit_1_without_traceback() -> None:
    result = CliRunner().invoke(_group_raising(RuntimeError("disk on fire")), ["boom"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unexpected RuntimeError: disk on fire")
    assert "--debug" in result.stderr


def test_debug_lets_the_traceback_through() -> None:
    error = RuntimeError("disk on fire")
    result = CliRunner().invoke(_group_raising(error), ["--debug", "boom"])
    assert result.exception is error


def test_config_errors_from_a_real_command(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("check-config", "-c", "missing.toml")
    assert result.exit_code == 2
    assert result.stderr == "error: config file not found: missing.toml\n"
