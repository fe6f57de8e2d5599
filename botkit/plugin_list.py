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
    plugin modules or ``LoadedPlugin``s -- what tests and embedding code pass to ``Bot``)."""
    if given is None:
        return loader.load_plugins(settings)
    loaded: list[LoadedPlugin] = []
    errors: list[PluginError] = []
    owners: dict[str, str] = {}
    names: dict[str, loader.PluginSource] = {}
    for obj in given:
        if isinstance(obj, loader.LoadedPlugin):
            loaded.append(obj)
            continue
        label = getattr(obj, "__name__", repr(obj))
        source = loader.PluginSource(label, "given")
        try:
            # the loader's own validation steps, so given plugins are checked like found ones
            target = loader._find_target(source, obj)
            name = loader._plugin_name(source, target)
            plugin = loader._build(name, source, target, settings)
            loader._claim(plugin, owners, names)
        except PluginError as exc:
            errors.append(exc)
            continue
        loaded.append(plugin)
    return loaded, errors
