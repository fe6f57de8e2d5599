"""``botkit fake-server``: a local Zulip or Rocket.Chat server to try bots against."""

from __future__ import annotations

import importlib

import click

__all__ = ["fake_server"]


@click.command("fake-server")
@click.argument("kind", type=click.Choice(["zulip", "rocketchat"]))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port on 127.0.0.1 [default: any free port; the URL is printed at start].",
)
@click.option(
    "--seed/--no-seed",
    default=True,
    help="Create (or not) demo users, a bot account and channels at start [default: --seed].",
)
def fake_server(kind: str, port: int | None, seed: bool) -> None:
    """Serve a local fake Zulip or Rocket.Chat server until Ctrl-C.

    KIND is zulip or rocketchat. The server speaks the real server's REST API on 127.0.0.1
    (the official clients work against it), keeps everything in memory, and prints the URL and
    the seeded credentials so that `botkit run` can connect to it.
    """
    from botkit.cli.common import os_error_text
    from botkit.errors import BotkitError

    module = importlib.import_module(f"botkit.servers.{kind}")
    serve = getattr(module, "serve", None)
    if serve is None:
        raise BotkitError(f"the local {kind} server cannot be started from this installation")
    try:
        if port is None:
            serve(seed=seed)
        else:
            serve(port=port, seed=seed)
    except OSError as exc:  # mostly: the port is taken
        where = f"127.0.0.1 port {port}" if port else None
        text = os_error_text(f"cannot start the local {kind} server", exc, where)
        raise BotkitError(text) from None
