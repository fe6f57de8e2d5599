"""A broken zuliprc is reported by name, and nothing from inside it reaches any output."""

from __future__ import annotations

import configparser
import logging
from pathlib import Path

import pytest

from .conftest import Invoke

SECRET = "LEAKEDSEKRET123"
EXPECTED = "not a zuliprc file (expected an [api] section with email, key and site)"


@pytest.fixture
def broken_zuliprc(tmp_path: Path) -> Path:
    """``[zulip] zuliprc = "zrc"``, whose key line comes before its [api] section."""
    Path("config.toml").write_text('[zulip]\nzuliprc = "zrc"\n', encoding="utf-8")
    zuliprc = tmp_path / "zrc"
    zuliprc.write_text(f"key={SECRET}\n[api]\nemail=bot@x.org\nsite=https://x.org\n")
    return zuliprc


@pytest.mark.parametrize(
    "command",
    [["check-config"], ["run"], ["receipts", "1"], ["audit", "--channel", "general"]],
    ids=lambda args: args[0],
)
def test_commands_name_the_file_and_never_show_its_contents(
    invoke: Invoke, broken_zuliprc: Path, caplog: pytest.LogCaptureFixture, command: list[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    result = invoke(*command)
    assert result.exit_code == 2, result.output
    assert f"config.toml: zulip.zuliprc: {broken_zuliprc}: {EXPECTED}" in result.stderr
    assert "unexpected" not in result.stderr
    for output in (result.stdout, result.stderr, caplog.text):
        assert SECRET not in output


@pytest.mark.parametrize(
    ("zuliprc", "lines"),
    [
        (
            f"[server]\nkey={SECRET}\n",
            ["no [api] section (expected an [api] section with email, key and site)"],
        ),
        (f"[api]\nkey={SECRET}\n", ["[api] email: missing", "[api] site: missing"]),
    ],
)
def test_check_config_reports_each_zuliprc_problem(
    invoke: Invoke, tmp_path: Path, zuliprc: str, lines: list[str]
) -> None:
    Path("config.toml").write_text('[zulip]\nzuliprc = "zrc"\n', encoding="utf-8")
    (tmp_path / "zrc").write_text(zuliprc, encoding="utf-8")
    result = invoke("check-config")
    assert result.exit_code == 2
    where = f"config.toml: zulip.zuliprc: {tmp_path / 'zrc'}"
    assert result.stderr.splitlines()[1:] == [f"{where}: {line}" for line in lines]
    assert SECRET not in result.output


def test_check_config_reports_a_missing_zuliprc(invoke: Invoke, tmp_path: Path) -> None:
    Path("config.toml").write_text('[zulip]\nzuliprc = "zrc"\n', encoding="utf-8")
    result = invoke("check-config")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [
        f"config.toml: zulip.zuliprc: file not found: {tmp_path / 'zrc'}"
    ]


def test_a_complete_zuliprc_passes(invoke: Invoke, tmp_path: Path) -> None:
    Path("config.toml").write_text('[zulip]\nzuliprc = "zrc"\n', encoding="utf-8")
    (tmp_path / "zrc").write_text(f"[api]\nemail=bot@x.org\nkey={SECRET}\nsite=https://x.org\n")
    result = invoke("check-config")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output


def test_a_parser_error_reaching_the_top_is_never_quoted(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def parse(*args: object, **kwargs: object) -> None:
        raise configparser.MissingSectionHeaderError("some.rc", 1, f"key={SECRET}\n")

    monkeypatch.setattr("botkit.cli.check.load", parse)
    result = invoke("check-config")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: `botkit check-config` failed: a configuration file could not be parsed"
    ]
