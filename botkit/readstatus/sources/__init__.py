"""History sources for backends that do not list history themselves yet.

Each source talks to the server with the official client and the configured credentials (its own
session, separate from the backend's) and converts with the backend's public converters. When a
backend grows ``history`` and ``channel`` methods it is used instead (see
``botkit.readstatus.history.history_source``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botkit.config import Settings
    from botkit.readstatus.history import HistorySource

__all__ = ["source_for"]


def source_for(backend_name: str, settings: Settings) -> HistorySource | None:
    """A history source for ``backend_name`` built from ``settings``, or None."""
    if backend_name == "zulip":
        from botkit.readstatus.sources.zulip import ZulipHistory

        return ZulipHistory(settings.zulip)
    return None
