"""``serve``: run the local Rocket.Chat in the foreground, optionally with a demo organization."""

from __future__ import annotations

import threading

from .server import LocalRocketChat

__all__ = ["seed_demo", "serve"]


def seed_demo(server: LocalRocketChat) -> list[str]:
    """A small organization: three people, a bot, a channel, a private group, a DM.
    Returns the lines describing the generated credentials."""
    alice = server.create_user("alice", name="Alice Liddell")
    bob = server.create_user("bob", name="Bob Builder")
    carol = server.create_user("carol", name="Carol Danvers")
    bot = server.create_user("receipt-bot", name="Receipt Bot", roles=("bot",))
    admin = server.create_user("admin", name="Local Admin", roles=("admin", "user"))
    general = server.create_room("general", "c", [alice, bob, carol, bot, admin])
    server.create_room("ops", "p", [alice, bob, bot])
    server.create_dm(alice, bot)
    welcome = server.send_message(alice, general, "Welcome to the local Rocket.Chat!")
    server.send_message(bob, general, "Hi @receipt-bot, who has read the welcome?", tmid=welcome)
    lines = [
        f"  {u.username:<12} password {u.password:<18} user id {u.id}"
        for u in (alice, bob, carol, admin)
    ]
    lines.append(f"  {bot.username:<12} user id {bot.id}  auth token {bot.auth_token}")
    return lines


def _wait_forever() -> None:
    threading.Event().wait()


def serve(port: int = 0, seed: bool = True) -> None:
    """Start on 127.0.0.1:``port`` (0: a free port), print how to connect, block until Ctrl-C."""
    server = LocalRocketChat().start(port)
    try:
        print(f"Local Rocket.Chat (a botkit fake for testing, not a real server) at {server.url}")
        if seed:
            print("Demo organization (generated credentials, valid for this run only):")
            for line in seed_demo(server):
                print(line)
        print(f"Control API: {server.url}/botkit-control/  -- press Ctrl-C to stop.", flush=True)
        _wait_forever()
    except KeyboardInterrupt:
        print("Stopping the local Rocket.Chat.")
    finally:
        server.stop()
