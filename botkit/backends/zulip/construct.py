"""Building the official ``zulip.Client`` from ``[zulip]``.

Its constructor already calls GET /server_settings and only ``assert``s on a bad answer (a 429
or a 5xx there is a bare ``AssertionError``); ``ServerSettingsRefused`` says what the answer was,
so the caller can wait out a 429 or back off from a 5xx. ``retry_on_errors=False`` turns the
client's own fixed retries off everywhere. A zuliprc is checked first (``zuliprc_problems``):
the client's ``configparser`` errors quote the file's lines, API key included.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from typing import Any

import zulip

from botkit._version import __version__
from botkit.config.schema import ZulipSection
from botkit.config.zuliprc import zuliprc_problems
from botkit.errors import ConfigError

__all__ = ["ServerSettingsRefused", "build_client"]


class ServerSettingsRefused(Exception):
    """The constructor's GET /server_settings was not a success (the client would only assert)."""

    def __init__(self, result: Mapping[str, Any], status: int | None) -> None:
        super().__init__(str(result.get("msg", "")))
        self.result = result
        self.status = status

    @property
    def not_zulip(self) -> bool:
        """A non-Zulip answer: not the Zulip envelope, or a non-JSON page that is not a 5xx."""
        if "result" not in self.result:
            return True
        return self.result.get("result") == "http-error" and (self.status or 0) < 500


class _Client(zulip.Client):
    """``zulip.Client`` whose constructor says why GET /server_settings failed, instead of a bare
    ``AssertionError`` (a 429 or a 5xx there)."""

    def get_server_settings(self) -> dict[str, Any]:
        result: dict[str, Any] = super().get_server_settings()
        if result.get("result") != "success":
            raise ServerSettingsRefused(result, result.get("status_code"))
        return result


def build_client(section: ZulipSection) -> Any:
    """The official client for ``[zulip]`` (its constructor calls GET /server_settings)."""
    kwargs: dict[str, Any] = {
        "client": f"botkit/{__version__}",
        "retry_on_errors": False,
        "site": section.site,
    }
    if section.zuliprc is not None:
        path = section.zuliprc.expanduser()
        if not path.is_file():
            raise ConfigError(f"[zulip] zuliprc: {path} does not exist or is not a file")
        problems = zuliprc_problems(path, site_given=bool(section.site))
        if problems:
            raise ConfigError(f"[zulip] zuliprc: {path} cannot be used", problems)
        kwargs["config_file"] = str(path)
    else:
        kwargs["email"] = section.email
        kwargs["api_key"] = section.api_key.get_secret_value() if section.api_key else None
    try:
        return _Client(**kwargs)
    except (zulip.ConfigNotFoundError, zulip.MissingURLError) as exc:
        raise ConfigError(
            "Zulip credentials are incomplete: set [zulip] site, email and api_key, or "
            f"[zulip] zuliprc ({exc})"
        ) from None
    except zulip.ZulipError as exc:
        if isinstance(exc, zulip.UnrecoverableNetworkError):
            raise
        raise ConfigError(f"[zulip]: {exc}") from None
    except configparser.Error:  # checked above; its message would quote the file (the key)
        raise ConfigError(
            f"[zulip] zuliprc: {kwargs.get('config_file')}: not a zuliprc file"
        ) from None
