"""An OSError ending a command is one line: what failed, why, and the path: no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Invoke


def test_any_os_error_is_one_line_naming_command_reason_and_path(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/bot/config.toml")

    monkeypatch.setattr("botkit.cli.check.load", denied)
    result = invoke("check-config")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: `botkit check-config` failed: Permission denied (/srv/bot/config.toml)"
    ]


def test_init_where_no_folder_can_be_made(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder\n", encoding="utf-8")
    result = invoke("init", "taken/bot")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: cannot create a folder: Not a directory ({Path('taken/bot')})"
    ]


def test_init_in_proc_is_refused_cleanly(invoke: Invoke) -> None:
    result = invoke("init", "/proc/nope")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: cannot create a folder: No such file or directory (/proc/nope)"
    ]
