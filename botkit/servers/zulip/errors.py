"""Zulip's error envelope: ``{"result": "error", "msg": ..., <extra keys>, "code": ...}``."""

from __future__ import annotations

from typing import Any

from botkit.servers._http import Response

__all__ = [
    "ZulipError",
    "bad_request",
    "html_not_found",
    "invalid_messages",
    "missing_argument",
    "success",
]


class ZulipError(Exception):
    """Raised by handlers; the dispatcher turns it into the JSON error response."""

    def __init__(
        self,
        msg: str,
        code: str = "BAD_REQUEST",
        status: int = 400,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.code = code
        self.status = status
        self.headers = dict(headers or {})
        self.extra = extra

    def response(self) -> Response:
        body: dict[str, Any] = {"result": "error", "msg": self.msg, **self.extra, "code": self.code}
        return Response.json(body, status=self.status, headers=self.headers)


def bad_request(msg: str, **extra: Any) -> ZulipError:
    return ZulipError(msg, **extra)


def missing_argument(name: str) -> ZulipError:
    """The typed-endpoint error (REQUEST_VARIABLE_MISSING with ``var_name``)."""
    return ZulipError(f"Missing '{name}' argument", "REQUEST_VARIABLE_MISSING", var_name=name)


def invalid_messages() -> ZulipError:
    return ZulipError("Invalid message(s)")


def success(**data: Any) -> Response:
    return Response.json({"result": "success", "msg": "", **data})


_NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <title>Page not found at {path}</title>
  <meta name="robots" content="NONE,NOARCHIVE">
</head>
<body>
  <main id="info"><h1>Page not found <span>(404)</span></h1>
  <p>The current path, <code>{path}</code>, didn't match any of these.</p></main>
</body>
</html>
"""


def html_not_found(path: str) -> Response:
    """Django's 404 page, which a real server answers for unknown endpoints and bad path ids."""
    safe = path.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Response.html(_NOT_FOUND_PAGE.format(path=safe), 404)
