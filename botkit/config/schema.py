"""The configuration schema: one pydantic model per TOML section.

Every section forbids unknown keys (a typo is an error, not a silently ignored setting) and every
secret is a ``SecretStr`` (never printed). Loading, environment overrides and error formatting
live in ``botkit.config.loader``.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    model_validator,
)

__all__ = [
    "MAX_DURATION",
    "AclSection",
    "BotSection",
    "CatchUpSection",
    "CommandAcl",
    "DeliverySection",
    "Duration",
    "PluginsSection",
    "RocketChatSection",
    "SchedulerSection",
    "TimeZoneName",
    "ZulipSection",
    "check_timezone",
    "parse_duration",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


#: The longest duration accepted: far beyond any sensible window or delay, and far enough from
#: ``timedelta``'s own limit that ``datetime.now() - duration`` always works.
MAX_DURATION = timedelta(days=3650)
_TOO_LONG = "durations are at most 10 years (3650d)"


def _seconds(value: Any) -> float | None:
    """The number of seconds ``value`` stands for, or None when it is not a duration."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(min(value, 2**63))  # a huge int would overflow float()
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNITS[match.group(2)]
    return None


def _shown(value: Any) -> str:
    """The value for an error message, cut short: it may be a page of digits."""
    text = repr(value)
    return text if len(text) <= 32 else text[:28] + "..."


def parse_duration(value: Any) -> timedelta:
    """``"90s"``, ``"30m"``, ``"24h"``, ``"7d"``, ``"2w"`` or a number of seconds.

    Raises ``ValueError`` with a message for people: not a duration, negative, or longer than
    ``MAX_DURATION`` (10 years).
    """
    seconds = _seconds(value)
    shown = _shown(value)
    if seconds is None or math.isnan(seconds):
        raise ValueError(f"{shown} is not a duration: use a number and a unit (90s, 30m, 24h, 7d)")
    if seconds < 0:
        raise ValueError(f"{shown} is not a duration: it must not be negative")
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{shown} is too long: {_TOO_LONG}")
    return value if isinstance(value, timedelta) else timedelta(seconds=seconds)


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA time zone this machine knows; ``ValueError`` otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin' or 'UTC'"
        ) from None
    return name


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
#: An IANA time zone name (``"Europe/Berlin"``), checked when the configuration loads.
TimeZoneName = Annotated[str, AfterValidator(check_timezone)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)


class BotSection(Section):
    backend: Literal["zulip", "rocketchat", "memory"] = "zulip"
    name: str = "botkit"
    command_prefix: str = Field("!", min_length=1)
    #: What others may see of the bot's read state. None: Zulip follows the account's own
    #: setting; Rocket.Chat (which has no such setting) treats it as true.
    send_read_receipts: bool | None = None
    data_dir: Path = Path(".botkit")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"


class ZulipSection(Section):
    site: str | None = None
    email: str | None = None
    api_key: SecretStr | None = None
    zuliprc: Path | None = None
    #: Client-side timeout for ordinary calls, in seconds (long-polls use the server's value).
    timeout: float = Field(15.0, gt=0)

    @model_validator(mode="after")
    def _credentials_or_zuliprc(self) -> ZulipSection:
        if self.zuliprc is None:
            return self
        if self.api_key is not None or self.email is not None:
            raise ValueError("give either zuliprc or email + api_key, not both")
        return self


class RocketChatSection(Section):
    server_url: str | None = None
    user_id: str | None = None
    auth_token: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    #: Seconds between polls for new activity (one request per poll when nothing happens).
    poll_interval: float = Field(1.0, gt=0)
    timeout: float = Field(30.0, gt=0)

    @model_validator(mode="after")
    def _one_way_to_log_in(self) -> RocketChatSection:
        token = self.user_id is not None or self.auth_token is not None
        password = self.username is not None or self.password is not None
        if token and password:
            raise ValueError("give either user_id + auth_token or username + password, not both")
        return self


class CommandAcl(Section):
    allow_users: list[str] | None = None
    deny_users: list[str] = []
    allow_channels: list[str] | None = None
    deny_channels: list[str] = []
    admin_only: bool = False


class AclSection(Section):
    #: Users (id or username) allowed every command, and the admin-only ones.
    admins: list[str] = []
    #: Per-command rules, keyed by command name: ``[acl.commands.receipts]``.
    commands: dict[str, CommandAcl] = {}


class PluginsSection(BaseModel):
    """``enabled`` and ``paths``, plus one ``[plugins.<name>]`` table per plugin, validated by
    that plugin's own model when it loads (unknown plugin tables are reported by the loader)."""

    model_config = ConfigDict(extra="allow", hide_input_in_errors=True, frozen=True)

    #: Plugin names to load. None: every discovered plugin.
    enabled: list[str] | None = None
    #: Extra folders searched for plugins.
    paths: list[Path] = []

    def section(self, plugin: str) -> dict[str, Any]:
        """The raw ``[plugins.<plugin>]`` table ({} if absent)."""
        extra = self.model_extra or {}
        value = extra.get(plugin, {})
        return dict(value) if isinstance(value, dict) else {}


class SchedulerSection(Section):
    timezone: TimeZoneName = "UTC"
    #: A run missed by at most this much (bot down, busy) still runs once; later ones are skipped.
    misfire_grace_time: Duration = timedelta(hours=1)
    #: Several missed runs of one job run once, not once each.
    coalesce: bool = True


class DeliverySection(Section):
    #: Attempts for a message whose handler raised before it is given up (and acknowledged).
    max_attempts: int = Field(3, ge=1)
    #: A failed message with attempts left is tried again in the same run this long after its
    #: failure, doubling per attempt (capped at 1h); "0s": only at the next start. Retries that
    #: are still waiting at shutdown come back at the next start.
    retry_delay: Duration = timedelta(seconds=30)
    #: Read marks are sent in batches of at most this many messages ...
    ack_batch_size: int = Field(1000, ge=1)
    #: ... and at most this long after the first handled message of a batch.
    ack_max_delay: Duration = timedelta(milliseconds=250)
    #: Messages handled at the same time.
    max_concurrency: int = Field(32, ge=1)
    #: How long a shutdown waits for running handlers.
    shutdown_timeout: Duration = timedelta(seconds=10)


class CatchUpSection(Section):
    enabled: bool = True
    max_messages: int = Field(1000, ge=0)
    #: None (or "0s"): no age limit.
    max_age: Duration | None = timedelta(days=1)
