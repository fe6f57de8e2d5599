"""Is the chosen backend's section complete enough to log in?

The schema lets every credential be absent (it may come from the environment, and ``botkit demo``
needs none); ``botkit run`` and ``botkit check-config`` ask here before anything connects. A
zuliprc is read (its problems are named, never its contents), and the placeholder values that
``botkit init`` writes count as missing.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from botkit.config.loader import LoadedConfig
from botkit.config.zuliprc import zuliprc_problems
from botkit.errors import ConfigError

__all__ = [
    "PLACEHOLDERS",
    "backend_problems",
    "placeholder_problems",
    "require_backend_credentials",
]

#: The values ``botkit init`` writes (see ``botkit/cli/templates/config.toml.tmpl``), by section
#: and key: left as they are, the bot would try to log in to a server that does not exist.
PLACEHOLDERS: dict[tuple[str, str], str] = {
    ("zulip", "site"): "https://chat.example.com",
    ("zulip", "email"): "mybot-bot@chat.example.com",
    ("zulip", "api_key"): "replace-with-the-bot-api-key",
    ("rocketchat", "server_url"): "https://chat.example.com",
    ("rocketchat", "user_id"): "the-bot-user-id",
    ("rocketchat", "auth_token"): "...",
    ("rocketchat", "password"): "...",
}


def _missing(value: str | SecretStr | None) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return value is None or not value.strip()


def _placeholder_problems(loaded: LoadedConfig, section: str) -> list[str]:
    """One line per key that still holds the value ``botkit init`` wrote."""
    values = getattr(loaded.settings, section)
    problems = []
    for (owner, key), placeholder in PLACEHOLDERS.items():
        value = getattr(values, key) if owner == section else None
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is not None and value.strip() == placeholder:
            problems.append(
                f"{loaded.source_of((section, key))}: {section}.{key}: still the placeholder "
                "from botkit init: put the bot's real value here"
            )
    return problems


def _zuliprc_problems(loaded: LoadedConfig, path: Path) -> list[str]:
    where = f"{loaded.source_of(('zulip', 'zuliprc'))}: zulip.zuliprc"
    if not path.exists():
        return [f"{where}: file not found: {path}"]
    site_given = not _missing(loaded.settings.zulip.site)
    return [f"{where}: {problem}" for problem in zuliprc_problems(path, site_given=site_given)]


def _zulip_problems(loaded: LoadedConfig) -> list[str]:
    zulip = loaded.settings.zulip
    if zulip.zuliprc is not None:
        return _zuliprc_problems(loaded, zulip.zuliprc)
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


def backend_problems(loaded: LoadedConfig, *, placeholders: bool = True) -> list[str]:
    """One line per reason the configured backend could not log in (empty: complete).
    ``placeholders=False`` leaves out the values ``botkit init`` wrote (``check-config`` shows
    those as warnings, so the shipped example validates; ``botkit run`` refuses them)."""
    backend = loaded.settings.bot.backend
    if backend == "zulip":
        problems = _zulip_problems(loaded)
    elif backend == "rocketchat":
        problems = _rocketchat_problems(loaded)
    else:
        return []
    if placeholders and not problems:
        problems = placeholder_problems(loaded)
    return problems


def placeholder_problems(loaded: LoadedConfig) -> list[str]:
    """The chosen backend's keys that still hold what ``botkit init`` wrote, one line each."""
    backend = loaded.settings.bot.backend
    return _placeholder_problems(loaded, backend) if backend in ("zulip", "rocketchat") else []


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
