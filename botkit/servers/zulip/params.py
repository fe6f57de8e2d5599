"""Request parameters the way Zulip's typed endpoints read them.

Clients send every non-string value JSON-encoded (``messages=[1,2]``, ``dont_block=true``), in the
query string for GET and as a form body otherwise. Parse failures produce Zulip's messages
("messages is not valid JSON", "Missing 'op' argument").
"""

from __future__ import annotations

import json
from typing import Any

from botkit.servers._http import Request
from botkit.servers.zulip.errors import ZulipError, bad_request, missing_argument

__all__ = ["Params"]

_MISSING: Any = object()


class Params:
    def __init__(self, request: Request) -> None:
        self.data = request.form()

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> str | None:
        return self.data.get(name)

    def text(self, name: str, default: Any = _MISSING) -> Any:
        value = self.data.get(name)
        if value is None:
            if default is _MISSING:
                raise missing_argument(name)
            return default
        return value

    def json(self, name: str, default: Any = _MISSING) -> Any:
        value = self.data.get(name)
        if value is None:
            if default is _MISSING:
                raise missing_argument(name)
            return default
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"{name} is not valid JSON") from None

    def bool(self, name: str, default: Any = _MISSING) -> Any:
        value = self.json(name, default)
        if value is default and not self.has(name):
            return value
        if not isinstance(value, bool):
            raise bad_request(f"{name} is not a boolean")
        return value

    def int(self, name: str, default: Any = _MISSING, minimum: int | None = None) -> Any:
        value = self.json(name, default)
        if value is default and not self.has(name):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"{name} is not an integer")
        if minimum is not None and value < minimum:
            raise bad_request(f"{name} is too small")
        return value

    def int_list(self, name: str, default: Any = _MISSING) -> Any:
        value = self.json(name, default)
        if value is default and not self.has(name):
            return value
        if not isinstance(value, list):
            raise bad_request(f"{name} is not a list")
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int):
                raise bad_request(f"{name}[{i}] is not an integer")
        return value

    def str_list(self, name: str, default: Any = _MISSING) -> Any:
        value = self.json(name, default)
        if value is default and not self.has(name):
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad_request(f"{name} is not a list")
        return value

    def unknown(self, known: set[str] | frozenset[str]) -> list[str]:
        """Sorted unknown parameter names (``ignored_parameters_unsupported``)."""
        return sorted(k for k in self.data if k not in known)


def parse_anchor(value: str | None, required: bool) -> tuple[int | None, str | None]:
    """Zulip's ``parse_anchor_value``: ``(number, None)`` or ``(None, "newest"|...)``."""
    if value is None:
        if required:
            raise missing_argument("anchor")
        raise ZulipError("Missing 'anchor' argument.")
    if value in ("newest", "oldest", "first_unread"):
        return None, value
    try:
        number = int(value)
    except ValueError:
        raise bad_request("Invalid anchor") from None
    return max(number, 0), None
