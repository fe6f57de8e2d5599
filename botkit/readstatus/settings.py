"""How an audit talks to the server: the ``[plugins.audit]`` keys that the audit plugin and
``botkit audit`` share, validated once here so both read them the same way."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from botkit.backends.base import Backend
from botkit.models import User
from botkit.readstatus.audit import Auditor
from botkit.readstatus.history import HistorySource
from botkit.readstatus.pacing import Pacer

__all__ = ["DEFAULT_RATE", "AuditorSettings"]

#: Read-receipt calls per minute when not configured: with the default burst of 5, at most 195
#: of Zulip's 200 per user and minute, leaving room for the bot's own traffic; Rocket.Chat limits
#: per route instead (and exempts bot accounts).
DEFAULT_RATE = {"zulip": 190.0, "rocketchat": 300.0}


class AuditorSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Count bots among each message's audience and readers.
    include_bots: bool = False
    #: Read-receipt calls per minute (None: 190 on Zulip, 300 on Rocket.Chat).
    max_requests_per_minute: float | None = Field(None, gt=0)
    #: Calls that may go out at once before pacing starts (keep burst + rate x window under the
    #: server's limit for its window).
    burst: int = Field(5, ge=1)
    #: Slow down further when the server's X-RateLimit-* headers say the budget runs low.
    follow_rate_limit_headers: bool = True

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> AuditorSettings:
        """The shared keys of a raw ``[plugins.audit]`` table (the plugin validates the rest)."""
        return cls.model_validate({k: v for k, v in table.items() if k in cls.model_fields})

    def auditor(
        self,
        backend: Backend,
        history: HistorySource,
        me: User | None,
        *,
        command_prefix: str | None = None,
    ) -> Auditor:
        """An auditor for one run; with ``me`` and ``command_prefix`` it leaves requests to the
        bot out, as both the plugin and ``botkit audit`` do."""
        rate = self.max_requests_per_minute or DEFAULT_RATE.get(backend.name, 190.0)
        return Auditor(
            backend,
            history,
            pacer=Pacer(rate, burst=self.burst),
            include_bots=self.include_bots,
            me=me,
            command_prefix=command_prefix,
            follow_rate_limit_headers=self.follow_rate_limit_headers,
        )
