"""botkit: chat bots for Zulip and Rocket.Chat that prove they processed every message.

The public surface is re-exported here. Heavy parts (the plugin API pulls in pydantic, the runtime
pulls in SQLite and APScheduler) load on first use, so ``botkit --version`` stays instant.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from botkit._version import __version__
from botkit.errors import (
    AuthError,
    BackendError,
    BotkitError,
    ConfigError,
    DataDirLocked,
    MessageNotFound,
    NotSupported,
    PluginError,
    RateLimited,
    ReadStatusError,
    ReceiptsDisabled,
    ServerTooOld,
    ServerUnavailable,
    UsageError,
)
from botkit.models import Conversation, ConversationKind, Message, Receipt, User

if TYPE_CHECKING:
    from botkit.backends.base import Backend
    from botkit.config import Settings, load_settings
    from botkit.plugin import Context, Plugin, command, on_message, scheduled
    from botkit.runtime import Bot

__all__ = [
    "AuthError",
    "Backend",
    "BackendError",
    "Bot",
    "BotkitError",
    "ConfigError",
    "Context",
    "Conversation",
    "ConversationKind",
    "DataDirLocked",
    "Message",
    "MessageNotFound",
    "NotSupported",
    "Plugin",
    "PluginError",
    "RateLimited",
    "ReadStatusError",
    "Receipt",
    "ReceiptsDisabled",
    "ServerTooOld",
    "ServerUnavailable",
    "Settings",
    "UsageError",
    "User",
    "__version__",
    "command",
    "load_settings",
    "on_message",
    "scheduled",
]

_LAZY = {
    "Backend": "botkit.backends.base",
    "Bot": "botkit.runtime",
    "Context": "botkit.plugin",
    "Plugin": "botkit.plugin",
    "Settings": "botkit.config",
    "command": "botkit.plugin",
    "load_settings": "botkit.config",
    "on_message": "botkit.plugin",
    "scheduled": "botkit.plugin",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'botkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
