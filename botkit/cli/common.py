"""What several commands share: the ``-c/--config`` option and loading the configuration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from botkit.config import LoadedConfig

__all__ = ["config_option", "load"]

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


def load(config_path: Path | None, *, require_file: bool = False) -> LoadedConfig:
    """The configuration, or ``ConfigError`` (reported by the group with exit code 2)."""
    from botkit.config import load_config

    return load_config(config_path, require_file=require_file)
