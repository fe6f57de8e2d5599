"""``botkit run``: connect and handle messages until stopped."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import click

from botkit.cli.common import config_option, load

if TYPE_CHECKING:
    from botkit.config import Settings

__all__ = ["run"]


@click.command()
@config_option
def run(config_path: Path | None) -> None:
    """Run the bot until it is stopped (Ctrl-C or SIGTERM).

    Loads and checks the configuration (the chosen backend's credentials must be complete),
    connects to the chat server, catches up on messages missed while it was down, then handles
    new ones, marking each read once handled. Exits 0 after a clean stop, 1 when the bot fails
    (for example the server rejects its credentials), 2 for a configuration error.
    """
    from botkit.config import require_backend_credentials

    loaded = load(config_path)
    require_backend_credentials(loaded)
    _setup_logging(loaded.settings)
    asyncio.run(_run_bot(loaded.settings))


def _setup_logging(settings: Settings) -> None:
    from botkit.logs import secrets_of, setup_logging

    setup_logging(settings.bot.log_level, settings.bot.log_format, secrets=secrets_of(settings))


async def _run_bot(settings: Settings) -> None:
    from botkit.runtime import Bot

    async with Bot(settings) as bot:
        bot.install_signal_handlers()
        await bot.run_until_stopped()
