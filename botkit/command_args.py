"""Command arguments: parsing them from the handler's signature and converting the user's words.

Arguments are split like a shell does (``shlex``: quotes group words) and converted by the
handler's annotations: ``str``, ``int``, ``float``, ``bool``, ``Literal[...]``, optionally wrapped
in ``Optional``; a ``*rest`` parameter takes what is left. A wrong or missing argument raises
``ArgumentError`` with a sentence for the user; a signature botkit cannot parse raises
``SignatureError`` when the plugin loads.
"""

from __future__ import annotations

import inspect
import re
import shlex
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

__all__ = [
    "ArgumentError",
    "CommandSignature",
    "Param",
    "SignatureError",
    "split_args",
]


class SignatureError(ValueError):
    """A handler's parameters cannot be turned into command arguments."""


class ArgumentError(ValueError):
    """The user's arguments do not fit the command; the message is meant for them."""


_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def split_args(text: str) -> list[str]:
    """Shell-like split. Typographic quotes count as quotes, and an apostrophe inside a word
    (``don't``) is kept when it would otherwise leave a quote unclosed."""
    text = text.translate(_SMART_QUOTES)
    try:
        return shlex.split(text)
    except ValueError:
        pass
    try:
        return shlex.split(_APOSTROPHE.sub(r"\\'", text))
    except ValueError:
        raise ArgumentError("A quote is not closed.") from None


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str  # "str", "int", "float", "bool" or "choice"
    optional: bool
    default: Any
    variadic: bool = False
    choices: tuple[Any, ...] = ()

    @property
    def metavar(self) -> str:
        if self.kind == "choice":
            return "{" + "|".join(str(choice) for choice in self.choices) + "}"
        return self.name.upper()

    def convert(self, token: str) -> Any:
        try:
            return _CONVERTERS[self.kind](self, token)
        except ValueError as exc:
            raise ArgumentError(f"{self.metavar} {exc}, not {token!r}.") from None


def _choice(param: Param, token: str) -> Any:
    for choice in param.choices:
        if str(choice).casefold() == token.casefold():
            return choice
    raise ValueError("must be one of " + ", ".join(str(c) for c in param.choices))


def _bool(_: Param, token: str) -> bool:
    if token.lower() in _TRUE:
        return True
    if token.lower() in _FALSE:
        return False
    raise ValueError("must be yes or no")


def _int(_: Param, token: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise ValueError("must be a whole number") from None


def _float(_: Param, token: str) -> float:
    try:
        return float(token)
    except ValueError:
        raise ValueError("must be a number") from None


_CONVERTERS: dict[str, Callable[[Param, str], Any]] = {
    "str": lambda _, token: token,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "choice": _choice,
}
_SIMPLE = {str: "str", int: "int", float: "float", bool: "bool"}


def _resolve(func: Callable[..., Any], param: inspect.Parameter) -> Any:
    annotation = param.annotation
    if not isinstance(annotation, str):
        return annotation
    try:  # ``from __future__ import annotations``: evaluate just this one
        return eval(annotation, getattr(func, "__globals__", {}), {})
    except Exception as exc:
        raise SignatureError(
            f"cannot resolve the annotation {annotation!r} of parameter {param.name!r}: {exc}"
        ) from None


def _kind(annotation: Any, where: str) -> tuple[str, tuple[Any, ...], bool]:
    """(kind, choices, is_optional) for an annotation."""
    if annotation in (inspect.Parameter.empty, Any):
        return "str", (), False
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kind(get_args(annotation)[0], where)
    if origin in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            kind, choices, _ = _kind(members[0], where)
            return kind, choices, True
    elif origin is Literal:
        return "choice", get_args(annotation), False
    elif annotation in _SIMPLE:
        return _SIMPLE[annotation], (), False
    raise SignatureError(
        f"{where} has the unsupported type {annotation!r}: use str, int, float, bool, "
        "Literal[...] or one of those | None"
    )


@dataclass(frozen=True, slots=True)
class CommandSignature:
    params: tuple[Param, ...]

    @classmethod
    def from_handler(cls, func: Callable[..., Any], *, skip: int) -> CommandSignature:
        """Read the parameters after the first ``skip`` ones (``self, ctx`` or ``ctx``)."""
        parameters = list(inspect.signature(func).parameters.values())
        leading = [p for p in parameters[:skip] if p.kind in _POSITIONAL]
        if len(leading) < skip:
            raise SignatureError(f"{func.__name__} must take ctx as its first parameter")
        params: list[Param] = []
        for parameter in parameters[skip:]:
            where = f"parameter {parameter.name!r}"
            if parameter.kind not in (*_POSITIONAL, inspect.Parameter.VAR_POSITIONAL):
                raise SignatureError(f"{where}: keyword-only and **kwargs are not supported")
            kind, choices, is_optional = _kind(_resolve(func, parameter), where)
            has_default = parameter.default is not inspect.Parameter.empty
            variadic = parameter.kind is inspect.Parameter.VAR_POSITIONAL
            optional = has_default or is_optional or variadic
            if params and params[-1].optional and not optional:
                raise SignatureError(f"{where} is required but follows an optional one")
            default = parameter.default if has_default else None
            params.append(Param(parameter.name, kind, optional, default, variadic, choices))
        return cls(tuple(params))

    def usage(self) -> str:
        """``NAME [TIMES] [REST...]``."""
        words = []
        for param in self.params:
            if param.variadic:
                words.append(f"[{param.metavar}...]")
            elif param.optional:
                words.append(f"[{param.metavar}]")
            else:
                words.append(param.metavar)
        return " ".join(words)

    def parse(self, text: str) -> list[Any]:
        """Positional values for the handler, after ``ctx``."""
        tokens = split_args(text)
        fixed = [param for param in self.params if not param.variadic]
        values: list[Any] = []
        for index, param in enumerate(fixed):
            if index < len(tokens):
                values.append(param.convert(tokens[index]))
            elif not param.optional:
                raise ArgumentError(f"{param.metavar} is missing.")
            else:
                values.append(param.default)
        extra = tokens[len(fixed) :]
        variadic = [param for param in self.params if param.variadic]
        if variadic:
            values.extend(variadic[0].convert(token) for token in extra)
        elif extra:
            raise ArgumentError("Too many arguments: " + " ".join(map(shlex.quote, extra)))
        return values


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
