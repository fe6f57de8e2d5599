"""The ``botkit`` command.

Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error. A ``BotkitError``
ending a command prints ``error: <message>`` (and its problems, one per line) on stderr, never a
traceback; so does an ``OSError`` (``error: <what failed>: <reason> (<path>)``, exit 1);
``botkit --debug <command>`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from botkit._version import __version__
from botkit.cli.lazy import LazyGroup

__all__ = ["cli", "main"]

#: Command name -> where it lives. Modules are imported only when their command runs.
COMMANDS = {
    "run": "botkit.cli.run:run",
    "check-config": "botkit.cli.check:check_config",
    "init": "botkit.cli.scaffold:init",
    "new-plugin": "botkit.cli.scaffold:new_plugin",
    "plugins": "botkit.cli.plugins:plugins",
    "fake-server": "botkit.cli.fake_server:fake_server",
    "receipts": "botkit.cli.receipts:receipts",
    "audit": "botkit.cli.receipts:audit",
    "demo": "botkit.cli.demo:demo",
}


class BotkitGroup(LazyGroup):
    """Turns botkit's own errors into one readable message and the right exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # `botkit plugins | head`: the reader left, nothing to report
            _silence_stdout()
            ctx.exit(1)
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            ctx.exit(_report(exc, ctx.invoked_subcommand))


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the final flush does not complain again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests)
        pass


def _report(exc: Exception, command: str | None = None) -> int:
    """Print ``exc`` for a person and return the exit code."""
    import configparser

    from botkit.cli.common import os_error_text
    from botkit.errors import BotkitError, ConfigError

    failed = f"`botkit {command}` failed" if command else "botkit failed"
    if isinstance(exc, OSError):
        click.echo(f"error: {os_error_text(failed, exc)}", err=True)
        return 1
    if isinstance(exc, configparser.Error):  # its text quotes lines of the file: secrets, maybe
        click.echo(f"error: {failed}: a configuration file could not be parsed", err=True)
        return 1
    if not isinstance(exc, BotkitError):
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} "
            "(run `botkit --debug ...` to see the traceback)",
            err=True,
        )
        return 1
    click.echo(f"error: {exc.message}", err=True)
    if isinstance(exc, ConfigError) and exc.problems != [exc.message]:
        for problem in exc.problems:
            click.echo(problem, err=True)
    return exc.exit_code


@click.group(
    "botkit",
    cls=BotkitGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "-V", "--version", prog_name="botkit")
@click.option(
    "--debug",
    is_flag=True,
    envvar="BOTKIT_DEBUG",
    help="Show the full traceback when a command fails.",
)
def cli(debug: bool) -> None:
    """botkit: chat bots for Zulip and Rocket.Chat that prove they processed every message.

    Configuration comes from one TOML file (-c FILE, else $BOTKIT_CONFIG, else ./config.toml);
    environment variables override any key as BOTKIT_<SECTION>__<KEY>, for example
    BOTKIT_ZULIP__API_KEY. Start with `botkit init`, then `botkit check-config`.
    """


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``botkit``)."""
    cli.main(args=argv, prog_name="botkit")
