"""The plugin API: the ``Plugin`` base class, the handler decorators and the ``Context``.

A plugin is a class (one ``Plugin`` subclass in a module) or a module of decorated functions::

    class Greeter(Plugin):
        class Config(BaseModel):
            greeting: str = "Hello"

        @command("greet", help="Greet someone", aliases=["hi"])
        async def greet(self, ctx: Context, name: str, times: int = 1) -> str:
            return f"{self.config.greeting}, {name}"

The decorators only attach a description to the function; the loader validates it and the
``PluginHost`` decides when to call it. ``Context`` and ``PluginEnv`` live in ``botkit.context``
and are re-exported here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

from pydantic import BaseModel

from botkit.context import AddJob, Context, PluginEnv, split_text
from botkit.models import Message, User
from botkit.types import KeyValue, MessagePredicate

if TYPE_CHECKING:
    from botkit.backends.base import Backend
    from botkit.config.settings import Settings
    from botkit.scheduler import Scheduler

__all__ = [
    "AddJob",
    "CommandSpec",
    "Context",
    "MessageSpec",
    "Plugin",
    "PluginEnv",
    "ScheduleSpec",
    "command",
    "handler_specs",
    "on_message",
    "scheduled",
    "split_text",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute the decorators set on a handler function: a tuple of specs.
SPECS_ATTR = "__botkit_handlers__"
COMMAND_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    help: str = ""
    aliases: tuple[str, ...] = ()
    admin_only: bool = False
    include_bots: bool = False


@dataclass(frozen=True, slots=True)
class MessageSpec:
    pattern: re.Pattern[str] | None = None
    predicate: MessagePredicate | None = None
    include_bots: bool = False

    def matches(self, message: Message) -> tuple[bool, re.Match[str] | None]:
        if self.pattern is not None:
            found = self.pattern.search(message.text)
            return found is not None, found
        assert self.predicate is not None
        return bool(self.predicate(message)), None


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    cron: str
    timezone: str | None = None
    id: str | None = None


HandlerSpec = CommandSpec | MessageSpec | ScheduleSpec


def handler_specs(func: object) -> tuple[HandlerSpec, ...]:
    """The specs the decorators attached to ``func`` (empty for an undecorated function)."""
    specs = getattr(func, SPECS_ATTR, ())
    return specs if isinstance(specs, tuple) else ()


def _attach(func: F, spec: HandlerSpec) -> F:
    setattr(func, SPECS_ATTR, (*handler_specs(func), spec))
    return func


def _command_name(name: str, what: str) -> str:
    lowered = name.strip().lower()
    if not COMMAND_NAME.match(lowered):
        raise ValueError(
            f"{what} {name!r} is not a valid command name: use letters, digits, '-' and '_'"
        )
    return lowered


def _first_doc_line(func: Callable[..., Any]) -> str:
    doc = (func.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


@overload
def command(name: F, /) -> F: ...


@overload
def command(
    name: str | None = None,
    *,
    help: str | None = None,
    aliases: Sequence[str] = (),
    admin_only: bool = False,
    include_bots: bool = False,
) -> Callable[[F], F]: ...


def command(
    name: str | Callable[..., Any] | None = None,
    *,
    help: str | None = None,
    aliases: Sequence[str] = (),
    admin_only: bool = False,
    include_bots: bool = False,
) -> Any:
    """Make a handler a chat command: ``!name ARGS``. Arguments are parsed from the handler's
    parameters after ``ctx``. ``help`` defaults to the docstring's first line; ``name`` to the
    function's name. A returned string is sent as the reply."""

    def decorate(func: F) -> F:
        spec = CommandSpec(
            name=_command_name(name if isinstance(name, str) else func.__name__, "command"),
            help=help if help is not None else _first_doc_line(func),
            aliases=tuple(_command_name(alias, "alias") for alias in aliases),
            admin_only=admin_only,
            include_bots=include_bots,
        )
        return _attach(func, spec)

    if callable(name):  # bare ``@command``
        func, name = name, None
        return decorate(func)
    return decorate


def on_message(
    match: str | re.Pattern[str] | MessagePredicate, /, *, include_bots: bool = False
) -> Callable[[F], F]:
    """Run the handler for every message whose text matches the regex (``re.search``) or for
    which the predicate returns true. The match object is ``ctx.match``."""
    if isinstance(match, str):
        spec = MessageSpec(pattern=re.compile(match), include_bots=include_bots)
    elif isinstance(match, re.Pattern):
        spec = MessageSpec(pattern=match, include_bots=include_bots)
    elif callable(match):
        spec = MessageSpec(predicate=match, include_bots=include_bots)
    else:
        raise TypeError(f"on_message takes a regex or a predicate, not {type(match).__name__}")
    return lambda func: _attach(func, spec)


def scheduled(cron: str, *, timezone: str | None = None, id: str | None = None) -> Callable[[F], F]:
    """Run the handler on a standard 5-field cron schedule (``"0 9 * * 1-5"``). ``timezone``
    defaults to ``[scheduler] timezone``; ``id`` (unique in the plugin) to the function name."""
    spec = ScheduleSpec(cron=cron, timezone=timezone, id=id)
    return lambda func: _attach(func, spec)


class Plugin:
    """Base class of class-based plugins. Subclass it, set ``name`` (default: the class name in
    lower case) and optionally a pydantic ``Config`` model for ``[plugins.<name>]``.

    The attributes below are set before ``setup()`` runs.
    """

    name: ClassVar[str] = ""
    Config: ClassVar[type[BaseModel] | None] = None

    config: Any
    store: KeyValue
    log: logging.Logger
    backend: Backend
    bot: User
    settings: Settings
    scheduler: Scheduler | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name"):
            cls.name = cls.__name__.lower()

    def _attach_env(self, env: PluginEnv) -> None:
        self._env = env
        self.config = env.config
        self.store = env.store
        self.log = env.log
        self.backend = env.backend
        self.bot = env.bot
        self.settings = env.settings
        self.scheduler = env.scheduler

    async def setup(self) -> None:
        """Called once before the first message; raise to keep the plugin from loading."""

    async def teardown(self) -> None:
        """Called once at shutdown."""

    def schedule(
        self,
        method_name: str,
        cron: str,
        *,
        job_id: str,
        timezone: str | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Run ``self.<method_name>(ctx, **kwargs)`` on a cron schedule. Call it from
        ``setup()``; adding the same ``job_id`` again replaces the job's schedule."""
        self._env.add_job(
            self._env.name,
            method_name,
            cron=cron,
            job_id=job_id,
            timezone=timezone,
            kwargs=dict(kwargs or {}),
        )
