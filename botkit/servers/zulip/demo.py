"""``serve()``: run a local Zulip server in the foreground (``botkit fake-server zulip``)."""

from __future__ import annotations

import threading

from botkit.servers.zulip.server import LocalZulip

__all__ = ["seed_demo", "serve"]


def seed_demo(server: LocalZulip) -> None:
    """A small organization: three people, a channel with a welcome message, and a bot."""
    alice = server.create_user("Alice Liddell", "alice@example.com", is_admin=True)
    bob = server.create_user("Bob Cratchit", "bob@example.com")
    carol = server.create_user("Carol Danvers", "carol@example.com")
    bot = server.create_bot("Receipt Bot", "receipt-bot@example.com", owner=alice)
    server.create_channel("general", [alice, bob, carol, bot], description="Everyone")
    server.send_message(alice, "general", "welcome", "Hello! Who has read this?")


def serve(port: int = 0, seed: bool = True) -> None:
    """Start a server on 127.0.0.1:``port`` (0: a free port), print how to reach it, and block
    until Ctrl-C, then stop cleanly."""
    server = LocalZulip()
    server.start(port=port)
    try:
        if seed:
            seed_demo(server)
        print(f"Local Zulip server (fake, for development) listening on {server.url}")
        print(f"Control API: {server.url}/botkit-control/")
        if seed:
            print("Credentials of this local fake (its own generated keys, safe to show):")
            for user in server.state.realm_users():
                kind = "bot " if user.is_bot else "user"
                print(f"  {kind}  {user.email:<26} api_key={user.api_key}")
            print("zuliprc for the bot:")
            bot = server.user("receipt-bot@example.com")
            print(f"  [api]\n  email={bot.email}\n  key={bot.api_key}\n  site={server.url}")
        print("Press Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:  # also when Ctrl-C comes while the banner is printed
        print("Stopping the local Zulip server.")
    finally:
        server.stop()
