"""What the schema says about a dotted key: does it exist, is it a secret, is it a list or table.

The loader needs this to turn environment strings into values (lists and tables come as JSON)
and the error formatter to suggest the key a typo meant and to never echo a secret.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr

from botkit.config.settings import Settings

__all__ = [
    "UNKNOWN",
    "annotation_at",
    "dotted",
    "expects_json",
    "is_secret",
    "known_keys",
    "suggest",
]


class _Unknown:
    """The key is not in the schema (or lies inside a free-form table such as a plugin's)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()

Key = Sequence[str | int]


def dotted(keys: Key) -> str:
    """``("zulip", "api_key")`` -> ``"zulip.api_key"``; list indexes as ``[0]``."""
    text = ""
    for part in keys:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(top level)"


def _strip(annotation: Any) -> Any:
    """Drop ``Annotated`` metadata and ``| None``: what remains is what a value must be."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def annotation_at(keys: Key, root: type[BaseModel] = Settings) -> Any:
    """The type a value at ``keys`` (below ``root``: by default the whole configuration) must
    have, or ``UNKNOWN``."""
    current: Any = root
    for part in keys:
        model = _model(current)
        origin = get_origin(current)
        if model is not None:
            field = model.model_fields.get(str(part))
            if field is None:
                return UNKNOWN
            current = _strip(field.annotation)
        elif origin is list and isinstance(part, int):
            current = _strip(get_args(current)[0])
        elif origin is dict and isinstance(part, str):
            current = _strip(get_args(current)[1])
        else:
            return UNKNOWN
    return current


def known_keys(parent: Key, root: type[BaseModel] = Settings) -> list[str]:
    """The keys allowed directly below ``parent`` (empty when free-form or not a table)."""
    model = _model(annotation_at(parent, root))
    return list(model.model_fields) if model is not None else []


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The closest choice to a probable typo, if one is close enough."""
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def is_secret(keys: Key) -> bool:
    return annotation_at(keys) is SecretStr


def expects_json(keys: Key) -> bool:
    """True for lists and tables: from an environment variable they must be written as JSON."""
    annotation = annotation_at(keys)
    if annotation is UNKNOWN:
        return False
    return get_origin(annotation) in (list, dict) or _model(annotation) is not None
