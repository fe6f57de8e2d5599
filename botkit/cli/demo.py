"""``botkit demo``: see botkit working in seconds, with no server and no configuration."""

from __future__ import annotations

import asyncio

import click

__all__ = ["demo"]


@click.command()
@click.option(
    "--backend",
    type=click.Choice(["zulip", "rocketchat"]),
    default="zulip",
    show_default=True,
    help="Which local chat server to start.",
)
@click.option(
    "--serve",
    is_flag=True,
    help="After the story, keep the server and the bot running and print how to connect.",
)
def demo(backend: str, serve: bool) -> None:
    """Play a short story on a local chat server, in-process.

    Starts the bundled local Zulip (or Rocket.Chat) server, creates a small organization (four
    people, a channel, the bot), runs the real bot with the receipts and audit plugins, and
    prints the conversation: announcements are posted and read, the bot marks everything it
    handled as read, someone asks "who read this?" by link, and an audit report is posted.
    Needs no network and no configuration; its data lives in a temporary folder.
    """
    from botkit.demo.story import DemoFailed, play
    from botkit.errors import BotkitError

    try:
        asyncio.run(play(backend, click.echo, serve=serve))
    except DemoFailed as failure:
        raise BotkitError(f"the demo did not finish: {failure}") from None
