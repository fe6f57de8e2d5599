"""Finding plugins and checking them before the bot starts.

Plugins come from, in this order: the bundled folder (``plugins/`` next to the ``botkit`` package
in a checkout, ``botkit/bundled_plugins`` in an installed wheel), the folders in
``[plugins] paths`` and the ``botkit.plugins`` entry point group. A plugin is a folder with an
``__init__.py`` or a single ``.py`` file, imported by path under a unique module name.

``load_plugins`` validates each one (the checks live in ``botkit.plugin_check``) and never lets a
broken plugin stop the others: it is skipped and reported as a ``PluginError`` that names it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import botkit
from botkit.config.settings import Settings
from botkit.errors import PluginError
from botkit.plugin import Plugin
from botkit.plugin_check import (
    BUILTIN_COMMANDS,
    JobHandler,
    LoadedPlugin,
    MessageHandler,
    PluginSource,
    build,
    claim,
    find_target,
    plugin_name,
)

__all__ = [
    "BUILTIN_COMMANDS",
    "ENTRY_POINT_GROUP",
    "JobHandler",
    "LoadedPlugin",
    "MessageHandler",
    "PluginSource",
    "bundled_dir",
    "discover",
    "load_given",
    "load_plugins",
]

log = logging.getLogger("botkit.loader")

ENTRY_POINT_GROUP = "botkit.plugins"


# -- discovery ----------------------------------------------------------------------------------


def bundled_dir() -> Path | None:
    """The bundled plugins folder of this installation, if any."""
    package = Path(botkit.__file__).resolve().parent
    installed = package / "bundled_plugins"
    if installed.is_dir():
        return installed
    checkout = package.parent / "plugins"
    if checkout.is_dir() and (package.parent / "pyproject.toml").is_file():
        return checkout
    return None


def _scan(folder: Path, origin: str) -> Iterator[PluginSource]:
    if folder.is_file() and folder.suffix == ".py":
        yield PluginSource(folder.stem, origin, folder)
    elif (folder / "__init__.py").is_file():
        yield PluginSource(folder.name, origin, folder)
    else:
        for child in sorted(folder.iterdir()):
            if child.name.startswith(("_", ".")):
                continue
            if (child / "__init__.py").is_file() or (child.is_file() and child.suffix == ".py"):
                yield PluginSource(child.stem if child.is_file() else child.name, origin, child)


def _discover(
    settings: Settings, base_dir: Path | None, bundled: bool, entry_points: bool
) -> tuple[list[PluginSource], list[PluginError]]:
    sources: list[PluginSource] = []
    errors: list[PluginError] = []
    folder = bundled_dir() if bundled else None
    if folder is not None:
        sources.extend(_scan(folder, "bundled"))
    for path in settings.plugins.paths:
        resolved = path if path.is_absolute() or base_dir is None else Path(base_dir) / path
        if resolved.exists():
            sources.extend(_scan(resolved, "path"))
        else:
            errors.append(PluginError(str(path), f"[plugins] paths: {resolved} does not exist"))
    if entry_points:
        for point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            sources.append(PluginSource(point.name, "entry point", entry_point=point))
    return sources, errors


def discover(
    settings: Settings,
    base_dir: Path | None = None,
    *,
    bundled: bool = True,
    entry_points: bool = True,
) -> list[PluginSource]:
    """Every plugin source, without importing anything. Relative ``paths`` resolve against
    ``base_dir`` (the config file's folder)."""
    return _discover(settings, base_dir, bundled, entry_points)[0]


# -- import -------------------------------------------------------------------------------------


def _import_path(source: PluginSource) -> ModuleType:
    assert source.path is not None
    digest = hashlib.sha1(str(source.path.resolve()).encode()).hexdigest()[:10]
    safe_name = re.sub(r"\W", "_", source.name)
    module_name = f"botkit_plugin_{safe_name}_{digest}"
    for stale in [key for key in sys.modules if key.split(".")[0] == module_name]:
        del sys.modules[stale]  # a fresh import each load: files may have changed
    if source.path.is_dir():
        spec = importlib.util.spec_from_file_location(
            module_name, source.path / "__init__.py", submodule_search_locations=[str(source.path)]
        )
    else:
        spec = importlib.util.spec_from_file_location(module_name, source.path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def _import(source: PluginSource) -> Any:
    try:
        if source.entry_point is not None:
            return source.entry_point.load()
        return _import_path(source)
    except SyntaxError as exc:
        where = f"{exc.filename}, line {exc.lineno}" if exc.filename else "its code"
        raise PluginError(source.name, f"syntax error in {where}: {exc.msg}") from None
    except (Exception, SystemExit) as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        at = f" (at {frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
        problem = f"{type(exc).__name__}: {exc}"
        raise PluginError(source.name, f"import failed{at}: {problem}") from None


def load_plugins(
    settings: Settings,
    base_dir: Path | None = None,
    *,
    bundled: bool = True,
    entry_points: bool = True,
) -> tuple[list[LoadedPlugin], list[PluginError]]:
    """Import and validate every enabled plugin. Returns the good ones and one error per problem
    (broken plugin, unknown enabled name, ``[plugins.<name>]`` table for no known plugin)."""
    sources, errors = _discover(settings, base_dir, bundled, entry_points)
    wanted = set(settings.plugins.enabled) if settings.plugins.enabled is not None else None
    loaded: list[LoadedPlugin] = []
    known: set[str] = set()
    owners: dict[str, str] = {}
    names: dict[str, PluginSource] = {}
    for source in sources:
        known.add(source.name)
        name = source.name
        try:
            target = find_target(source, _import(source))
            name = plugin_name(source, target)
            known.add(name)
            if wanted is not None and not wanted & {name, source.name}:
                continue
            plugin = build(name, source, target, settings)
            claim(plugin, owners, names)
        except PluginError as exc:
            if wanted is not None and not wanted & {name, source.name}:
                log.debug("skipping disabled plugin from %s: %s", source.describe(), exc)
                continue
            errors.append(exc)
            continue
        loaded.append(plugin)
    for name in sorted((wanted or set()) - known):
        found = ", ".join(sorted(known)) or "none"
        errors.append(
            PluginError(name, f"is in [plugins] enabled but does not exist (found: {found})")
        )
    for key, value in sorted((settings.plugins.model_extra or {}).items()):
        if not isinstance(value, dict):
            errors.append(PluginError(key, f"[plugins] {key} is not a setting (enabled, paths)"))
        elif key not in known:
            errors.append(
                PluginError(key, f"[plugins.{key}] configures a plugin that does not exist")
            )
    return loaded, errors


def load_given(
    settings: Settings, given: Sequence[type[Plugin] | ModuleType | LoadedPlugin]
) -> tuple[list[LoadedPlugin], list[PluginError]]:
    """Check plugins handed over in code (tests, embedding) exactly like discovered ones."""
    loaded: list[LoadedPlugin] = []
    errors: list[PluginError] = []
    owners: dict[str, str] = {}
    names: dict[str, PluginSource] = {}
    for obj in given:
        try:
            if isinstance(obj, LoadedPlugin):
                plugin = obj
            else:
                label = getattr(obj, "__name__", type(obj).__name__).rsplit(".", 1)[-1]
                source = PluginSource(label, "given")
                target = find_target(source, obj)
                plugin = build(plugin_name(source, target), source, target, settings)
            claim(plugin, owners, names)
        except PluginError as exc:
            errors.append(exc)
            continue
        loaded.append(plugin)
    return loaded, errors
