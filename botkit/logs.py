"""Logging set-up: human text or JSON lines on stderr, and secrets redacted from every record.

``setup_logging(level, fmt, secrets=...)`` installs one handler on the root logger (so the
chat clients' own log lines are redacted too). The ``RedactSecrets`` filter replaces every given
secret in the message, its arguments, tracebacks and stack traces with ``***``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from botkit.config import Settings

__all__ = ["JsonFormatter", "RedactSecrets", "add_secrets", "secrets_of", "setup_logging"]

REDACTED = "***"
_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
#: Marks the handler this module installed, so configuring twice replaces it.
_HANDLER_NAME = "botkit"


class RedactSecrets(logging.Filter):
    """Replace each secret (longest first, so no fragment survives) with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        merged = {*self.secrets, *(s for s in secrets if s)}
        self.secrets = sorted(merged, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and exc when there is one)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value in the settings (api keys, tokens, passwords)."""
    values = [settings.zulip.api_key, settings.rocketchat.auth_token, settings.rocketchat.password]
    return [v.get_secret_value() for v in values if v is not None]


def setup_logging(
    level: str = "INFO",
    fmt: Literal["text", "json"] = "text",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send log records to ``stream`` (stderr) in the given format; returns the handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactSecrets(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler


def add_secrets(secrets: Iterable[str]) -> None:
    """Redact these too in the handler ``setup_logging`` installed (the runtime calls it with
    the settings' secrets, so they are hidden however logging was set up)."""
    wanted = list(secrets)
    for handler in logging.getLogger().handlers:
        if handler.get_name() != _HANDLER_NAME:
            continue
        for found in handler.filters:
            if isinstance(found, RedactSecrets):
                found.add(wanted)
