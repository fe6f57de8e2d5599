"""``botkit check-config``: validate the configuration without connecting anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from botkit.cli.common import config_option, load

if TYPE_CHECKING:
    from pydantic import SecretStr

    from botkit.config import LoadedConfig

__all__ = ["check_config"]


@click.command("check-config")
@config_option
def check_config(config_path: Path | None) -> None:
    """Check the configuration and print a short summary.

    Validates the file and the BOTKIT_* environment overrides, checks that the chosen backend has
    complete credentials, and (when plugins can be loaded) validates every [plugins.<name>]
    table. Exits 0 with a summary (secrets show only as "set" / "not set"), or 2 with one line
    per problem, each naming the file or environment variable and the key.
    """
    from botkit.config import backend_problems
    from botkit.errors import ConfigError
    from botkit.loader import load_plugins

    loaded = load(config_path)
    problems = backend_problems(loaded)
    plugins, failures = load_plugins(loaded.settings, loaded.base_dir)
    problems += [f"{loaded.label}: {failure}" for failure in failures]
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise ConfigError(f"configuration has {count}", problems)
    rows = _summary(loaded)
    rows.append(("plugins", ", ".join(plugin.name for plugin in plugins) or "(none)"))
    for label, value in rows:
        click.echo(f"{label + ':':<17} {value}")
    click.echo("configuration OK")


def _state(secret: SecretStr | None) -> str:
    return "set" if secret is not None and secret.get_secret_value() else "not set"


def _summary(loaded: LoadedConfig) -> list[tuple[str, str]]:
    settings = loaded.settings
    source = str(loaded.path) if loaded.path else f"none ({loaded.label} not found)"
    if loaded.overrides:
        source += f" + environment ({', '.join(o.var for o in loaded.overrides)})"
    rows = [
        ("config", source),
        ("backend", settings.bot.backend),
        ("bot name", settings.bot.name),
    ]
    if settings.bot.backend == "zulip":
        zulip = settings.zulip
        if zulip.zuliprc is not None:
            rows.append(("zuliprc", str(zulip.zuliprc)))
        else:
            rows += [
                ("site", zulip.site or "not set"),
                ("email", zulip.email or "not set"),
                ("api_key", _state(zulip.api_key)),
            ]
    elif settings.bot.backend == "rocketchat":
        chat = settings.rocketchat
        rows.append(("server_url", chat.server_url or "not set"))
        if chat.username is not None:
            rows += [("username", chat.username), ("password", _state(chat.password))]
        else:
            rows += [
                ("user_id", chat.user_id or "not set"),
                ("auth_token", _state(chat.auth_token)),
            ]
    enabled = settings.plugins.enabled
    rows += [
        ("plugins enabled", "all found" if enabled is None else ", ".join(enabled) or "(none)"),
        ("data_dir", str(settings.bot.data_dir)),
    ]
    return rows
