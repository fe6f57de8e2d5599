"""Which plugins a ``Bot`` runs: the ones the loader finds, or exactly the ones it was given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botkit import loader
from botkit.config import Settings
from botkit.errors import PluginError
from botkit.loader import LoadedPlugin

__all__ = ["load_plugin_list"]


def load_plugin_list(
    settings: Settings, given: Sequence[Any] | None
) -> tuple[list[LoadedPlugin], list[PluginError]]:
    """The plugins to run: discovered by the loader, or exactly ``given`` (Plugin subclasses,
    plugin modules or ``LoadedPlugin``s -- what tests and embedding code pass to ``Bot``),
    checked like discovered ones."""
    if given is None:
        return loader.load_plugins(settings)
    return loader.load_given(settings, given)
