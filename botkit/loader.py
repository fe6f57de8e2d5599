"""Finding plugins and checking them before the bot starts.

Plugins come from, in this order: the bundled folder (``plugins/`` next to the ``botkit`` package
in a checkout, ``botkit/bundled_plugins`` in an installed wheel), the folders in
``[plugins] paths`` and the ``botkit.plugins`` entry point group. A plugin is a folder with an
``__init__.py`` or a single ``.py`` file, imported by path under a unique module name.

``load_plugins`` validates each one and never lets a broken plugin stop the others: it is
skipped and reported as a ``PluginError`` that names it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import inspect
import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

import botkit
from botkit.commands import CommandInfo, CommandSignature, SignatureError
from botkit.config.settings import Settings
from botkit.errors import PluginError
from botkit.plugin import (
    CommandSpec,
    MessageSpec,
    Plugin,
    ScheduleSpec,
    handler_specs,
)
from botkit.scheduler import cron_trigger

__all__ = [
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
BUILTIN_COMMANDS = frozenset({"help"})
_PLUGIN_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class PluginSource:
    """Where a plugin was found. ``name`` is its folder, file or entry point name."""

    name: str
    origin: str  # "bundled", "path" or "entry point"
    path: Path | None = None
    entry_point: importlib.metadata.EntryPoint | None = None

    def describe(self) -> str:
        where = str(self.path) if self.path else getattr(self.entry_point, "value", "?")
        return f"{self.origin} {where}"


@dataclass(frozen=True, slots=True)
class MessageHandler:
    plugin: str
    attr: str
    spec: MessageSpec


@dataclass(frozen=True, slots=True)
class JobHandler:
    plugin: str
    attr: str
    spec: ScheduleSpec

    @property
    def job_id(self) -> str:
        return f"{self.plugin}:{self.spec.id or self.attr}"


@dataclass(frozen=True, slots=True)
class LoadedPlugin:
    """A validated plugin, ready for the ``PluginHost``."""

    name: str
    source: PluginSource
    #: The Plugin subclass, or the module of a module plugin.
    target: type[Plugin] | ModuleType
    config: BaseModel | None
    commands: tuple[CommandInfo, ...]
    message_handlers: tuple[MessageHandler, ...]
    jobs: tuple[JobHandler, ...]
    description: str = ""

    @property
    def is_class(self) -> bool:
        return isinstance(self.target, type)


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


def _find_target(source: PluginSource, loaded: Any) -> type[Plugin] | ModuleType:
    if isinstance(loaded, type):
        if issubclass(loaded, Plugin) and loaded is not Plugin:
            return loaded
        raise PluginError(source.name, f"{loaded.__name__} is not a botkit Plugin subclass")
    if not isinstance(loaded, ModuleType):
        raise PluginError(source.name, "the entry point is neither a module nor a Plugin class")
    prefix = loaded.__name__
    classes = sorted(
        {
            obj
            for obj in vars(loaded).values()
            if isinstance(obj, type)
            and issubclass(obj, Plugin)
            and obj is not Plugin
            and obj.__module__.split(".")[0] == prefix.split(".")[0]
        },
        key=lambda cls: cls.__name__,
    )
    functions = sorted(name for name, obj in vars(loaded).items() if _is_handler(obj))
    if len(classes) > 1:
        names = ", ".join(cls.__name__ for cls in classes)
        raise PluginError(source.name, f"defines {len(classes)} Plugin classes ({names}): keep one")
    if classes and functions:
        raise PluginError(
            source.name,
            f"defines a Plugin class ({classes[0].__name__}) and module-level handlers "
            f"({', '.join(functions)}): use one style",
        )
    if classes:
        return classes[0]
    if functions:
        return loaded
    raise PluginError(source.name, "defines no Plugin subclass and no decorated handlers")


def _is_handler(obj: object) -> bool:
    return callable(obj) and not isinstance(obj, type) and bool(handler_specs(obj))


# -- validation ---------------------------------------------------------------------------------


def _plugin_name(source: PluginSource, target: type[Plugin] | ModuleType) -> str:
    name = getattr(target, "name", None) if isinstance(target, type) else None
    if not isinstance(target, type):
        name = getattr(target, "name", source.name)
    if not isinstance(name, str) or not _PLUGIN_NAME.match(name):
        raise PluginError(
            source.name, f"plugin name {name!r} must be lower case letters, digits, '-' or '_'"
        )
    return name


def _config_problems(name: str, error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        message = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
        problems.append(f"plugins.{name}.{key}: {message}" if key else f"{message}")
    return "invalid configuration: " + "; ".join(problems)


def _config(name: str, target: type[Plugin] | ModuleType, table: dict[str, Any]) -> Any:
    model = getattr(target, "Config", None)
    if model is None:
        if table:
            keys = ", ".join(sorted(table))
            raise PluginError(name, f"[plugins.{name}] sets {keys}, but the plugin takes none")
        return None
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise PluginError(name, "Config must be a pydantic BaseModel subclass")
    strict: type[BaseModel] = type(
        model.__name__,
        (model,),
        {"model_config": ConfigDict(extra="forbid"), "__module__": model.__module__},
    )
    try:
        return strict.model_validate(table)
    except ValidationError as exc:
        raise PluginError(name, _config_problems(name, exc)) from None


def _handlers(target: type[Plugin] | ModuleType) -> list[tuple[str, Callable[..., Any]]]:
    if isinstance(target, type):
        found: dict[str, Callable[..., Any]] = {}
        for klass in reversed(target.__mro__):
            found.update({k: v for k, v in vars(klass).items() if _is_handler(v)})
        return sorted(found.items(), key=lambda item: _line(item[1]))
    return sorted(
        ((k, v) for k, v in vars(target).items() if _is_handler(v)), key=lambda i: _line(i[1])
    )


def _line(func: Callable[..., Any]) -> int:
    code = getattr(func, "__code__", None)
    return code.co_firstlineno if code is not None else 0


def _accepts_context(func: Callable[..., Any], skip: int) -> bool:
    try:
        inspect.signature(func).bind(*([None] * skip))
    except TypeError:
        return False
    return True


def _build(
    name: str, source: PluginSource, target: type[Plugin] | ModuleType, settings: Settings
) -> LoadedPlugin:
    skip = 2 if isinstance(target, type) else 1  # (self, ctx) or (ctx)
    commands: list[CommandInfo] = []
    messages: list[MessageHandler] = []
    jobs: list[JobHandler] = []
    for attr, func in _handlers(target):
        for spec in handler_specs(func):
            if isinstance(spec, CommandSpec):
                try:
                    signature = CommandSignature.from_handler(func, skip=skip)
                except SignatureError as exc:
                    raise PluginError(name, f"command {spec.name!r}: {exc}") from None
                commands.append(
                    CommandInfo(
                        name, spec.name, spec.help, spec.aliases, spec.admin_only,
                        spec.include_bots, signature, attr,
                    )
                )  # fmt: skip
                continue
            if not _accepts_context(func, skip):
                raise PluginError(name, f"handler {attr!r} must take ctx as its only argument")
            if isinstance(spec, MessageSpec):
                messages.append(MessageHandler(name, attr, spec))
            else:
                job = JobHandler(name, attr, spec)
                try:
                    cron_trigger(spec.cron, spec.timezone or settings.scheduler.timezone)
                except ValueError as exc:
                    raise PluginError(name, f"scheduled handler {attr!r}: {exc}") from None
                if any(other.job_id == job.job_id for other in jobs):
                    raise PluginError(name, f"two scheduled handlers use the id {job.job_id!r}")
                jobs.append(job)
    words = [word for info in commands for word in (info.name, *info.aliases)]
    for word in {w for w in words if words.count(w) > 1}:
        raise PluginError(name, f"command name {word!r} is used twice")
    module = sys.modules.get(target.__module__) if isinstance(target, type) else None
    # The class's own docstring (never Plugin's), else its module's.
    doc = inspect.cleandoc(target.__doc__ or getattr(module, "__doc__", None) or "")
    return LoadedPlugin(
        name=name,
        source=source,
        target=target,
        config=_config(name, target, settings.plugins.section(name)),
        commands=tuple(commands),
        message_handlers=tuple(messages),
        jobs=tuple(jobs),
        description=" ".join(doc.split("\n\n")[0].split()),
    )


def _claim(plugin: LoadedPlugin, owners: dict[str, str], names: dict[str, PluginSource]) -> None:
    """Reserve the plugin's name and command words, or raise naming the plugin it clashes with."""
    if plugin.name in names:
        other = names[plugin.name].describe()
        raise PluginError(plugin.name, f"the name is already taken by the plugin from {other}")
    words = [word for info in plugin.commands for word in (info.name, *info.aliases)]
    for word in words:
        if word in BUILTIN_COMMANDS:
            raise PluginError(plugin.name, f"command {word!r} is built into botkit")
        if word in owners:
            raise PluginError(
                plugin.name, f"command {word!r} is also defined by plugin {owners[word]!r}"
            )
    names[plugin.name] = plugin.source
    owners.update(dict.fromkeys(words, plugin.name))


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
            target = _find_target(source, _import(source))
            name = _plugin_name(source, target)
            known.add(name)
            if wanted is not None and not wanted & {name, source.name}:
                continue
            plugin = _build(name, source, target, settings)
            _claim(plugin, owners, names)
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
                target = _find_target(source, obj)
                plugin = _build(_plugin_name(source, target), source, target, settings)
            _claim(plugin, owners, names)
        except PluginError as exc:
            errors.append(exc)
            continue
        loaded.append(plugin)
    return loaded, errors
