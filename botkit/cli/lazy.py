"""A click group that imports a command's module only when that command is used.

``botkit --version`` must answer in a blink, so nothing heavy (pydantic, the chat clients,
APScheduler, rich) is imported until a command that needs it runs.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from typing import Any

import click

__all__ = ["LazyGroup"]


class LazyGroup(click.Group):
    """``lazy_commands`` maps a command name to ``"package.module:attribute"``.

    A command whose module does not exist (yet) is simply not offered; one whose module fails to
    import still shows up, and says why when it is run, instead of breaking ``--help``.
    """

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for name, target in self.lazy_commands.items() if _exists(target)]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in self.lazy_commands:
            return command
        module_name, _, attribute = self.lazy_commands[cmd_name].partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            return _broken(cmd_name, exc)
        except Exception as exc:  # a bug in one command must not break the others
            return _broken(cmd_name, exc)
        found = getattr(module, attribute, None)
        if not isinstance(found, click.Command):
            return _broken(cmd_name, TypeError(f"{module_name}.{attribute} is not a command"))
        return found


def _exists(target: str) -> bool:
    module_name = target.partition(":")[0]
    try:
        return importlib.util.find_spec(module_name) is not None
    except ImportError:
        return False


def _broken(name: str, error: Exception) -> click.Command:
    reason = f"{type(error).__name__}: {error}"

    def fail() -> None:
        raise click.ClickException(f"the {name!r} command could not be loaded ({reason})")

    return click.Command(name, callback=fail, help=f"(unavailable: {reason})")
