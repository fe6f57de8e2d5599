"""Every error botkit raises on purpose.

The tree::

    BotkitError                      base of everything below; carries an exit code
    ├── UsageError                   bad command-line use                     (exit 2)
    ├── ConfigError                  invalid or missing configuration         (exit 2)
    ├── PluginError                  a plugin failed to load or validate      (exit 2)
    ├── DataDirLocked                another bot runs on the same data_dir    (exit 1)
    └── BackendError                 talking to the chat server failed        (exit 1)
        ├── AuthError                bad credentials, deactivated account: stop the bot
        ├── RateLimited              the server said 429; ``retry_after`` seconds
        ├── ServerUnavailable        5xx or connection failures, after retries
        ├── NotSupported             the server or backend cannot do this
        └── ReadStatusError          read receipts cannot be answered
            ├── MessageNotFound      unknown message, or one the caller may not see
            ├── ReceiptsDisabled     the organization (or its licence) turned receipts off
            └── ServerTooOld         the server predates read receipts

Messages are written for the person who reads them: they name what is wrong and never contain
secrets. Exit codes follow click: 0 success, 1 runtime failure, 2 usage or configuration error.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AuthError",
    "BackendError",
    "BotkitError",
    "ConfigError",
    "DataDirLocked",
    "MessageNotFound",
    "NotSupported",
    "PluginError",
    "RateLimited",
    "ReadStatusError",
    "ReceiptsDisabled",
    "ServerTooOld",
    "ServerUnavailable",
    "UsageError",
]


class BotkitError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with when this ends a command."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(BotkitError):
    """The command line was used wrongly."""

    exit_code = 2


class ConfigError(BotkitError):
    """The configuration is invalid. ``problems`` holds one line per problem."""

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class PluginError(BotkitError):
    """A plugin could not be loaded. ``plugin`` names it."""

    exit_code = 2

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin!r}: {message}")
        self.plugin = plugin


class DataDirLocked(BotkitError):
    """Another bot holds the data_dir. Exit code 1, not 2: the configuration is valid
    (``check-config`` accepts it) and the same command works once the other bot stops."""

    def __init__(self, data_dir: Path, holder: int | None) -> None:
        who = f"pid {holder}" if holder is not None else "pid not known yet"
        super().__init__(
            f"another bot ({who}) is already running with data_dir {data_dir}: stop it first, "
            "or give this bot its own [bot] data_dir"
        )
        self.data_dir = data_dir
        self.holder = holder


class BackendError(BotkitError):
    """The chat server refused or failed a request."""


class AuthError(BackendError):
    """Credentials rejected or account deactivated: retrying cannot help."""


class RateLimited(BackendError):
    """The server answered 429. Wait ``retry_after`` seconds before the next call."""

    def __init__(self, retry_after: float, message: str = "rate limit hit") -> None:
        super().__init__(f"{message} (retry after {retry_after:.1f}s)")
        self.retry_after = retry_after


class ServerUnavailable(BackendError):
    """5xx answers or lost connections that outlasted the retries."""


class NotSupported(BackendError):
    """The server or the backend cannot do what was asked."""


class ReadStatusError(BackendError):
    """Read receipts for a message cannot be given."""


class MessageNotFound(ReadStatusError):
    """No such message, or one the asker may not see: deliberately the same answer."""

    def __init__(self, message_id: str) -> None:
        super().__init__(f"message {message_id} not found, or not visible to you")
        self.message_id = message_id


class ReceiptsDisabled(ReadStatusError):
    """Read receipts are off: ``reason`` says where (organization setting, licence, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ServerTooOld(ReadStatusError):
    """The server predates read receipts (Zulip before 6.0 / feature level 137)."""
