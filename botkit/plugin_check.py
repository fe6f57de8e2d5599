"""Checking one imported plugin and describing it for the host.

``find_target`` picks the plugin in what was imported (one ``Plugin`` subclass, or a module of
decorated functions), ``plugin_name`` checks its name, ``build`` validates its handlers and
``[plugins.<name>]`` table into a ``LoadedPlugin``, and ``claim`` keeps two plugins from sharing a
name or a command word. Each problem is a ``PluginError`` that names the plugin.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from botkit.commands import CommandInfo, CommandSignature, SignatureError
from botkit.config.errors import FromEnv, SourceOf, format_validation_error
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
    "BUILTIN_COMMANDS",
    "JobHandler",
    "LoadedPlugin",
    "MessageHandler",
    "PluginConfigError",
    "PluginSource",
    "build",
    "claim",
    "find_target",
    "plugin_name",
]

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


def find_target(source: PluginSource, loaded: Any) -> type[Plugin] | ModuleType:
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


def plugin_name(source: PluginSource, target: type[Plugin] | ModuleType) -> str:
    name = getattr(target, "name", None) if isinstance(target, type) else None
    if not isinstance(target, type):
        name = getattr(target, "name", source.name)
    if not isinstance(name, str) or not _PLUGIN_NAME.match(name):
        raise PluginError(
            source.name, f"plugin name {name!r} must be lower case letters, digits, '-' or '_'"
        )
    return name


class PluginConfigError(PluginError):
    """The ``[plugins.<name>]`` table does not fit the plugin's ``Config``.

    ``lines()`` gives one line per problem in the words of the core configuration's errors
    (``config.toml: plugins.audit.burst: must be at least 1``); ``str()`` joins them for a log.
    """

    def __init__(self, plugin: str, error: ValidationError, model: type[BaseModel]) -> None:
        self.plugin = plugin
        self.error = error
        self.model = model
        joined = "; ".join(self.lines(lambda loc: "", lambda loc: False))
        super().__init__(plugin, f"invalid configuration: {joined}")

    def lines(self, source_of: SourceOf, from_env: FromEnv) -> list[str]:
        """One line per problem: ``<source>: plugins.<name>.<key>: <problem>``. ``source_of``
        names the file or variable a key came from (an empty name leaves the source out)."""
        lines = format_validation_error(
            self.error, source_of, from_env, prefix=("plugins", self.plugin), model=self.model
        )
        return [line.removeprefix(": ") for line in lines]


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
        raise PluginConfigError(name, exc, strict) from None


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


def build(
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


def claim(plugin: LoadedPlugin, owners: dict[str, str], names: dict[str, PluginSource]) -> None:
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
