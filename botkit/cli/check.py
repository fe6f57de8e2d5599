"""``botkit check-config``: validate the configuration without connecting anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from botkit.cli.common import config_option, load, plugin_problem_lines

if TYPE_CHECKING:
    from pydantic import SecretStr

    from botkit.config import LoadedConfig
    from botkit.loader import LoadedPlugin

__all__ = ["check_config"]


@click.command("check-config")
@config_option
def check_config(config_path: Path | None) -> None:
    """Check the configuration and print a short summary.

    Validates the file and the BOTKIT_* environment overrides, checks that the chosen backend has
    complete credentials, and (when plugins can be loaded) validates every [plugins.<name>]
    table. Exits 0 with a summary (secrets show only as "set" / "not set"), or 2 with one line
    per problem, each naming the file or environment variable and the key. Values still as
    `botkit init` wrote them are warnings here (`botkit run` refuses them).
    """
    from botkit.config import InvalidConfig, backend_problems, placeholder_problems
    from botkit.errors import ConfigError
    from botkit.loader import load_plugins

    try:
        loaded = load(config_path)
        problems: list[str] = []
        invalid: frozenset[str] = frozenset()
    except InvalidConfig as error:
        if error.partial is None:
            raise
        # Go on with the valid sections, to report every problem of the file in one run.
        loaded, problems, invalid = error.partial, list(error.problems), error.invalid_sections
    backend = loaded.settings.bot.backend
    warnings: list[str] = []
    if not invalid & {"bot", backend}:
        problems += backend_problems(loaded, placeholders=False)
        warnings = placeholder_problems(loaded)
    plugins: list[LoadedPlugin] = []
    if "plugins" not in invalid:
        plugins, failures = load_plugins(loaded.settings, loaded.base_dir)
        problems += [line for failure in failures for line in plugin_problem_lines(failure, loaded)]
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise ConfigError(f"configuration has {count}", problems)
    for line in warnings:  # the shipped example is valid; a bot cannot log in with it
        click.echo(f"warning: {line} (botkit run refuses it)", err=True)
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
