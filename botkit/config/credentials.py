"""Is the chosen backend's section complete enough to log in?

The schema lets every credential be absent (it may come from the environment, and ``botkit demo``
needs none); ``botkit run`` and ``botkit check-config`` ask here before anything connects.
"""

from __future__ import annotations

from pydantic import SecretStr

from botkit.config.loader import LoadedConfig
from botkit.errors import ConfigError

__all__ = ["backend_problems", "require_backend_credentials"]


def _missing(value: str | SecretStr | None) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return value is None or not value.strip()


def _zulip_problems(loaded: LoadedConfig) -> list[str]:
    zulip = loaded.settings.zulip
    if zulip.zuliprc is not None:
        if zulip.zuliprc.is_file():
            return []
        where = loaded.source_of(("zulip", "zuliprc"))
        return [f"{where}: zulip.zuliprc: file not found: {zulip.zuliprc}"]
    missing = [key for key in ("site", "email", "api_key") if _missing(getattr(zulip, key))]
    if not missing:
        return []
    return [
        f"{loaded.source_of(('zulip',))}: zulip: [zulip] needs site, email and api_key, "
        f"or zuliprc (missing: {', '.join(missing)}; "
        f"each can also be set as BOTKIT_ZULIP__{missing[0].upper()} etc.)"
    ]


def _rocketchat_problems(loaded: LoadedConfig) -> list[str]:
    chat = loaded.settings.rocketchat
    missing = ["server_url"] if _missing(chat.server_url) else []
    token = not _missing(chat.user_id) or not _missing(chat.auth_token)
    password = not _missing(chat.username) or not _missing(chat.password)
    if token or not password:
        missing += [k for k in ("user_id", "auth_token") if _missing(getattr(chat, k))]
    else:
        missing += [k for k in ("username", "password") if _missing(getattr(chat, k))]
    if not missing:
        return []
    return [
        f"{loaded.source_of(('rocketchat',))}: rocketchat: [rocketchat] needs server_url, and "
        f"user_id + auth_token or username + password (missing: {', '.join(missing)}; "
        f"each can also be set as BOTKIT_ROCKETCHAT__{missing[0].upper()} etc.)"
    ]


def backend_problems(loaded: LoadedConfig) -> list[str]:
    """One line per reason the configured backend could not log in (empty: complete)."""
    backend = loaded.settings.bot.backend
    if backend == "zulip":
        return _zulip_problems(loaded)
    if backend == "rocketchat":
        return _rocketchat_problems(loaded)
    return []


def require_backend_credentials(loaded: LoadedConfig) -> None:
    """Raise ``ConfigError`` unless the chosen backend's section is complete."""
    problems = backend_problems(loaded)
    if problems:
        backend = loaded.settings.bot.backend
        if loaded.path is None:
            problems.append(
                f"no config file was read ({loaded.label} not found): "
                "pass -c FILE, set BOTKIT_CONFIG, or run `botkit init`"
            )
        raise ConfigError(f"the {backend} backend is not fully configured", problems)
