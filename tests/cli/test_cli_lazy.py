"""Commands are imported only when used; a missing module hides its command."""

from __future__ import annotations

import click
from click.testing import CliRunner

from botkit.cli.lazy import LazyGroup


def _group() -> LazyGroup:
    return LazyGroup(
        name="g",
        lazy_commands={
            "init": "botkit.cli.scaffold:init",
            "later": "botkit.cli.not_written_yet:later",
            "broken": "botkit.cli.scaffold:no_such_attribute",
        },
    )


def test_missing_modules_are_not_listed() -> None:
    group = _group()
    with click.Context(group) as ctx:
        assert group.list_commands(ctx) == ["broken", "init"]
        assert group.get_command(ctx, "later") is None


def test_broken_command_says_why_when_run() -> None:
    result = CliRunner().invoke(_group(), ["broken"])
    assert result.exit_code == 1
    assert "the 'broken' command could not be loaded" in result.stderr


def test_lazy_command_runs() -> None:
    result = CliRunner().invoke(_group(), ["init", "--help"])
    assert result.exit_code == 0
    assert "Start a bot project" in result.output
