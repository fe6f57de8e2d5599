"""Chat backends. ``create_backend(settings)`` builds the one ``[bot] backend`` names.

Backends are imported lazily so ``botkit --version`` and the memory backend never pay for the
chat clients.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from botkit.backends.base import Backend, CatchUpLimits

if TYPE_CHECKING:
    from botkit.config import Settings

__all__ = ["BACKENDS", "Backend", "CatchUpLimits", "create_backend"]

#: backend name -> "module:Class"; each class is constructed as ``Class(settings)``.
BACKENDS = {
    "zulip": "botkit.backends.zulip:ZulipBackend",
    "rocketchat": "botkit.backends.rocketchat:RocketChatBackend",
    "memory": "botkit.backends.memory:MemoryBackend",
}


def create_backend(settings: Settings) -> Backend:
    module_name, _, class_name = BACKENDS[settings.bot.backend].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    backend: Backend = cls(settings)
    return backend
