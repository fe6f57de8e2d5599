"""Writing a botkit ``config.toml`` from a settings dict (the CLI scenarios run ``botkit`` with a
real configuration file). Only what the bench needs: tables of strings, numbers, booleans and
lists of those; None values are left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["write_config"]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value))  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(name: str, body: dict[str, Any], out: list[str]) -> None:
    plain = {k: v for k, v in body.items() if not isinstance(v, dict) and v is not None}
    out.append(f"[{name}]")
    out.extend(f"{key} = {_value(value)}" for key, value in plain.items())
    out.append("")
    for key, value in body.items():
        if isinstance(value, dict):
            _table(f"{name}.{key}", value, out)


def write_config(settings: dict[str, Any], path: Path) -> Path:
    lines: list[str] = ["# written by the botkit bench", ""]
    for section, body in settings.items():
        _table(section, body, lines)
    path.write_text("\n".join(lines), encoding="utf-8")
    path.chmod(0o600)  # holds the local fake's generated credentials
    return path
