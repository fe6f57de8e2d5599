"""What several commands share: the ``-c/--config`` option, loading the configuration, and
naming where a plugin problem came from."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from botkit.config import LoadedConfig
    from botkit.errors import PluginError

__all__ = [
    "config_option",
    "load",
    "os_error_text",
    "plugin_problem_lines",
    "warn_misspelled_variables",
]

F = TypeVar("F", bound=Callable[..., Any])


def config_option(function: F) -> F:
    """``-c/--config FILE`` (the loader itself checks that the file exists, with a better
    message than click's)."""
    option = click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="Configuration file [default: $BOTKIT_CONFIG, else ./config.toml].",
    )
    return option(function)


def os_error_text(what: str, error: OSError, where: object = None) -> str:
    """``<what>: <reason> (<path>)``: the reason without the ``[Errno 2]`` noise; ``where``
    replaces the error's own file name (a port, say)."""
    reason = error.strerror or type(error).__name__
    where = error.filename if where is None else where
    return f"{what}: {reason}" + (f" ({where})" if where is not None else "")


def warn_misspelled_variables() -> None:
    """One line on stderr per ``BOTKIT_SECTION_KEY`` variable that sets nothing (values are
    never shown)."""
    from botkit.config.environment import misspelled_variables

    for warning in misspelled_variables(os.environ):
        click.echo(warning, err=True)


def load(config_path: Path | None, *, require_file: bool = False) -> LoadedConfig:
    """The configuration, or ``ConfigError`` (reported by the group with exit code 2)."""
    from botkit.config import load_config

    warn_misspelled_variables()
    return load_config(config_path, require_file=require_file)


def plugin_problem_lines(
    error: PluginError, loaded: LoadedConfig, *, always_name_file: bool = True
) -> list[str]:
    """``error`` as lines that start with the file or variable the faulty setting came from.
    An error about the plugin itself (its code) names the config file only when
    ``always_name_file``."""
    from botkit.plugin_check import PluginConfigError

    if isinstance(error, PluginConfigError):
        return error.lines(loaded.source_of, loaded.is_from_env)
    setting = _setting_of(error)
    if setting:
        return [f"{loaded.source_of(setting)}: {error}"]
    return [f"{loaded.label}: {error}" if always_name_file else str(error)]


def _setting_of(error: PluginError) -> tuple[str, ...]:
    """The setting a plugin error is about, from the loader's wording (the whole file when it is
    about the plugin's code)."""
    if "[plugins] enabled" in error.message:
        return ("plugins", "enabled")
    if "[plugins] paths" in error.message:
        return ("plugins", "paths")
    if f"[plugins.{error.plugin}]" in error.message:
        return ("plugins", error.plugin)
    return ()
