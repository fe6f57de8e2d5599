"""``BOTKIT_<SECTION>__<KEY>`` environment variables as overrides of the TOML file.

Same rules as pydantic-settings (prefix ``BOTKIT_``, ``__`` between levels, names case-
insensitive, lists and tables written as JSON), but done here so that each override remembers
the variable it came from: errors name ``BOTKIT_DELIVERY__MAX_ATTEMPTS``, not the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_origin

from botkit.config.keys import annotation_at, dotted, expects_json, suggest
from botkit.config.settings import Settings

__all__ = [
    "CONFIG_ENV",
    "ENV_PREFIX",
    "EnvOverride",
    "apply_overrides",
    "misspelled_variables",
    "read_overrides",
]

ENV_PREFIX = "BOTKIT_"
#: Names the config file; not a setting.
CONFIG_ENV = "BOTKIT_CONFIG"
_DELIMITER = "__"


@dataclass(frozen=True)
class EnvOverride:
    """One variable: ``var`` sets the value at ``keys`` (e.g. ``("zulip", "api_key")``)."""

    var: str
    keys: tuple[str, ...]
    #: Kept out of the repr: it may be a secret.
    value: Any = field(repr=False)


def _parse(var: str, keys: tuple[str, ...], raw: str) -> Any:
    """The value as the schema wants it; raises ValueError with a message naming no value."""
    wants_json = expects_json(keys)
    looks_json = raw.lstrip().startswith(("[", "{"))
    if not (wants_json or looks_json):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        if not wants_json:
            return raw
        example = '["a", "b"]' if get_origin(annotation_at(keys)) is list else '{"key": "value"}'
        raise ValueError(
            f"{var}: {dotted(keys)}: must be JSON, e.g. {example} "
            f"({exc.msg} at character {exc.pos + 1})"
        ) from None


def read_overrides(env: Mapping[str, str]) -> tuple[list[EnvOverride], list[str]]:
    """Every ``BOTKIT_*`` variable that names a setting, and one line per malformed one.

    A single-word name that is not a section (``BOTKIT_HOME``) is left alone: it may belong to
    something else. A name with ``__`` is clearly meant for botkit, so an unknown section in it
    is reported.
    """
    sections = list(Settings.model_fields)
    overrides: list[EnvOverride] = []
    problems: list[str] = []
    for var in sorted(env):
        if not var.upper().startswith(ENV_PREFIX) or var.upper() == CONFIG_ENV:
            continue
        keys = tuple(part.lower() for part in var[len(ENV_PREFIX) :].split(_DELIMITER))
        if keys[0] not in sections:
            if len(keys) > 1:
                hint = suggest(keys[0], sections)
                also = f" (did you mean {ENV_PREFIX}{hint.upper()}__...?)" if hint else ""
                problems.append(f"{var}: unknown section {keys[0]!r}{also}")
            continue
        if not all(keys):
            problems.append(f"{var}: empty key between '__' separators")
            continue
        try:
            overrides.append(EnvOverride(var, keys, _parse(var, keys, env[var])))
        except ValueError as exc:
            problems.append(str(exc))
    return overrides, problems


def misspelled_variables(env: Mapping[str, str]) -> list[str]:
    """A warning for each variable that looks meant for a setting but has one ``_`` where ``__``
    belongs (``BOTKIT_ZULIP_API_KEY``): such a name sets nothing, and silently so. Values are
    never shown."""
    sections = sorted(Settings.model_fields, key=len, reverse=True)  # catch_up before any "c"
    warnings = []
    for var in sorted(env):
        name = var.upper()
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV or _DELIMITER in name:
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        section = next((s for s in sections if rest.startswith(s + "_")), None)
        if section is None:
            continue
        key = rest[len(section) + 1 :]
        right = f"{ENV_PREFIX}{section.upper()}{_DELIMITER}{key.upper()}"
        warnings.append(
            f"warning: {var} is ignored: did you mean {right}? (two underscores between the "
            "section and the key)"
        )
    return warnings


def apply_overrides(data: dict[str, Any], overrides: list[EnvOverride]) -> dict[str, Any]:
    """``data`` with every override set (deep merge: other keys of a section stay)."""
    merged = _copy_tables(data)
    for override in overrides:
        table = merged
        for key in override.keys[:-1]:
            child = table.get(key)
            if not isinstance(child, dict):
                child = table[key] = {}
            table = child
        last = override.keys[-1]
        if isinstance(override.value, dict) and isinstance(table.get(last), dict):
            table[last] = {**table[last], **override.value}
        else:
            table[last] = override.value
    return merged


def _copy_tables(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _copy_tables(v) if isinstance(v, dict) else v for k, v in data.items()}
