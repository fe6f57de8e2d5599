"""Checking a zuliprc file (``[zulip] zuliprc``) without ever echoing what is in it.

The official client reads the file with ``configparser``, whose errors quote the offending line:
a ``key=...`` line before ``[api]`` would put the API key on the terminal. Here the file is read
the same way, and every problem is described by the file's name and the key, never a value.
"""

from __future__ import annotations

import configparser
from pathlib import Path

__all__ = ["ZULIPRC_KEYS", "zuliprc_problems"]

#: What a zuliprc's ``[api]`` section must hold (``site`` may come from ``[zulip] site``).
ZULIPRC_KEYS = ("email", "key", "site")
_EXPECTED = "expected an [api] section with email, key and site"


def _parse(path: Path) -> configparser.ConfigParser | str:
    """The parsed file, or what is wrong with it (naming no content)."""
    parser = configparser.ConfigParser()
    try:
        with path.open(encoding="utf-8") as file:
            parser.read_file(file, str(path))
    except FileNotFoundError:
        return f"{path}: file not found"
    except IsADirectoryError:
        return f"{path}: is a folder, not a zuliprc file"
    except OSError as exc:
        return f"{path}: cannot read it: {exc.strerror or type(exc).__name__}"
    except UnicodeDecodeError:
        return f"{path}: not a zuliprc file (not UTF-8 text)"
    except configparser.Error:  # its message quotes the file's lines: never show it
        return f"{path}: not a zuliprc file ({_EXPECTED})"
    return parser


def zuliprc_problems(path: Path, *, site_given: bool = False) -> list[str]:
    """One line per problem of the zuliprc at ``path`` (empty: usable). ``site_given``: the
    server URL is set elsewhere (``[zulip] site``), so the file need not hold it."""
    parsed = _parse(path)
    if isinstance(parsed, str):
        return [parsed]
    if not parsed.has_section("api"):
        return [f"{path}: no [api] section ({_EXPECTED})"]
    problems = []
    for key in ZULIPRC_KEYS:
        if key == "site" and site_given:
            continue
        try:
            value = parsed.get("api", key, fallback="")
        except configparser.Error:  # e.g. a lone '%': the message would quote the value
            problems.append(f"{path}: [api] {key}: cannot be read (write a '%' in it as '%%')")
            continue
        if not value.strip():
            problems.append(f"{path}: [api] {key}: missing")
    return problems
