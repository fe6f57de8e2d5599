"""Turn pydantic and TOML errors into one readable line per problem.

Every line names where the value came from (the file, or the environment variable), the dotted
key and what is wrong: ``config.toml: zulip.api_kee: unknown key (did you mean api_key?)``.
Values are echoed only for choices (``got 'slack'``), never for anything else: a secret must not
reach a terminal or a log through an error message. A plugin's ``[plugins.<name>]`` table is
checked by its own model: ``prefix`` and ``model`` place its errors in the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from botkit.config.keys import dotted, known_keys, suggest
from botkit.config.settings import Settings

__all__ = ["FromEnv", "SourceOf", "format_toml_error", "format_validation_error"]

#: Names the source of the value at a key: a file name or an environment variable.
SourceOf = Callable[[tuple[str | int, ...]], str]
#: True when the value at a key came from the environment.
FromEnv = Callable[[tuple[str | int, ...]], bool]

_TOML_POSITION = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")

_SIMPLE = {
    "int_parsing": "must be an integer",
    "int_type": "must be an integer",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "path_type": "must be a path (a string)",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "missing": "is required",
    "frozen_instance": "cannot be changed",
}


def format_toml_error(label: str, text: str, error: Exception) -> str:
    """``config.toml:12: invalid TOML: Invalid value (column 5)``."""
    message = str(error)
    match = _TOML_POSITION.match(message)
    if match:
        what, line, column = match["what"], match["line"], match["col"]
        return f"{label}:{line}: invalid TOML: {what} (column {column})"
    if message.endswith("(at end of document)"):
        line = str(text.count("\n") + 1)
        what = message.removesuffix(" (at end of document)")
        return f"{label}:{line}: invalid TOML: {what} (at end of file)"
    return f"{label}: invalid TOML: {message}"


def format_validation_error(
    error: ValidationError,
    source_of: SourceOf,
    from_env: FromEnv,
    *,
    prefix: tuple[str | int, ...] = (),
    model: type[BaseModel] = Settings,
) -> list[str]:
    """One line per problem, in the order pydantic found them, without duplicates.

    ``error`` comes from validating ``model`` with the table at ``prefix`` (by default: the whole
    configuration), e.g. a plugin's ``Config`` with ``("plugins", "audit")``.
    """
    lines: list[str] = []
    for detail in error.errors():
        loc = _clean_loc(detail["loc"])
        full = prefix + loc
        problem = _problem(detail, loc, from_env(full), model)
        line = f"{source_of(full)}: {dotted(full)}: {problem}"
        if line not in lines:
            lines.append(line)
    return lines


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Drop the internal tags pydantic adds for validators (``function-after[...]``)."""
    return tuple(part for part in loc if isinstance(part, int) or not _is_tag(part))


def _is_tag(part: str) -> bool:
    return "[" in part or "(" in part


def _problem(
    detail: ErrorDetails, loc: tuple[str | int, ...], env: bool, model: type[BaseModel]
) -> str:
    kind = detail["type"]
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    if kind == "extra_forbidden":
        return _unknown_key(loc, model)
    if kind == "literal_error":
        # Choices are never secret, and the wrong one is the most useful part of the message.
        return f"must be one of {_choices(ctx.get('expected', ''))} (got {detail['input']!r})"
    if kind == "list_type":
        return 'must be a JSON list, e.g. ["a", "b"]' if env else "must be a list"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _bound(kind, ctx)
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else detail["msg"].lower()
    if kind == "value_error":
        return detail["msg"].removeprefix("Value error, ")
    return _SIMPLE.get(kind) or detail["msg"][:1].lower() + detail["msg"][1:]


def _unknown_key(loc: tuple[str | int, ...], model: type[BaseModel]) -> str:
    key = str(loc[-1])
    siblings = known_keys(loc[:-1], model)
    hint = suggest(key, siblings)
    if len(loc) == 1 and model is Settings:
        if hint:
            return f"unknown section [{key}] (did you mean [{hint}]?)"
        owner = _section_with(key)
        if owner:
            return f"unknown key: settings go in sections (did you mean {owner}.{key}?)"
        return f"unknown section (sections are: {', '.join(siblings)})"
    return f"unknown key (did you mean {hint}?)" if hint else "unknown key"


def _section_with(key: str) -> str | None:
    for section in known_keys(()):
        if key in known_keys((section,)):
            return section
    return None


def _choices(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as ``'a', 'b', 'c'``."""
    return expected.replace(" or ", ", ")


def _bound(kind: str, ctx: dict[str, Any]) -> str:
    words = {
        "greater_than": ("must be greater than", "gt"),
        "greater_than_equal": ("must be at least", "ge"),
        "less_than": ("must be less than", "lt"),
        "less_than_equal": ("must be at most", "le"),
    }
    text, name = words[kind]
    limit = ctx.get(name)
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    return f"{text} {limit}"
