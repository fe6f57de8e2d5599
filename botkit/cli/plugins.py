"""``botkit plugins``: what plugins were found, their commands, and those that failed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from botkit.cli.common import config_option, load, plugin_problem_lines

__all__ = ["plain", "plugins"]


def plain(text: str) -> str:
    """A docstring's reST ``literal`` markup as plain text (a terminal shows no markup)."""
    return text.replace("``", "")


@click.command()
@config_option
def plugins(config_path: Path | None) -> None:
    """List plugins, their commands, and any that failed to load.

    Plugins come from the bundled folder, the folders in [plugins] paths and installed packages
    (entry point group "botkit.plugins"). Only those in [plugins] enabled are loaded when that
    key is set. Exits 2 when a plugin failed to load, so scripts can check.
    """
    from botkit.loader import load_plugins

    loaded = load(config_path)
    settings = loaded.settings
    found, errors = load_plugins(settings, loaded.base_dir)
    prefix = settings.bot.command_prefix
    for plugin in found:
        click.echo(f"{plugin.name}  ({plugin.source.describe()})")
        if plugin.description:
            click.echo(f"    {plain(plugin.description)}")
        for info in plugin.commands:
            aliases = f" (also: {', '.join(info.aliases)})" if info.aliases else ""
            admin = " [admins only]" if info.admin_only else ""
            click.echo(f"    {info.usage(prefix)}{aliases}{admin}")
            if info.help:
                click.echo(
                    textwrap.fill(
                        plain(info.help),
                        width=88,
                        initial_indent=" " * 8,
                        subsequent_indent=" " * 8,
                    )
                )
        for job in plugin.jobs:
            click.echo(f"    scheduled {job.job_id}: cron {job.spec.cron!r}")
        if plugin.message_handlers:
            count = len(plugin.message_handlers)
            click.echo(f"    reads messages ({count} handler{'' if count == 1 else 's'})")
    if not found:
        click.echo("no plugins loaded")
    if errors:
        click.echo("\nfailed to load:", err=True)
        for error in errors:
            for line in plugin_problem_lines(error, loaded, always_name_file=False):
                click.echo(f"    {line}", err=True)
        raise click.exceptions.Exit(2)
