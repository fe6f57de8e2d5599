"""The demo's story: announcements, readers, the bot marking everything read, "who read this?"
by link, and an audit report. Printed as it happens; every wait is bounded."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from botkit.demo.stages import BOT_NAME, CHANNEL, PEOPLE, TOPIC, Stage, open_stage
from botkit.runtime import Bot

__all__ = ["DemoFailed", "play"]

STEP_TIMEOUT = 10.0
AUDIT_JOB = {
    "id": "monday",
    "cron": "0 9 * * 1",
    "channels": [CHANNEL],
    "since": "7d",
    "post_to": {"channel": CHANNEL, "topic": "read audit"},
}


class DemoFailed(Exception):
    """A step of the story did not happen in time."""


class Story:
    def __init__(self, stage: Stage, out: Callable[[str], None]) -> None:
        self.stage = stage
        self.out = out
        self.seen = 0

    def say(self, who: str, text: str) -> str:
        self.out(f"{PEOPLE[who]}: {text}")
        return self.stage.post(who, text)

    def note(self, text: str) -> None:
        self.out(f"  ({text})")

    async def until(self, done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT
        while not done():
            if time.monotonic() > deadline:
                raise DemoFailed(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)

    async def bot_answers(self, count: int = 1) -> None:
        """Wait for ``count`` new bot messages and print them."""
        await self.until(lambda: len(self.stage.bot_posts()) >= self.seen + count, "the bot")
        for text in self.stage.bot_posts()[self.seen :]:
            self.out(f"{BOT_NAME}:")
            self.out("\n".join("    " + line for line in text.splitlines()))
        self.seen = len(self.stage.bot_posts())

    async def run(self) -> str:
        """Play the story; the id of the release announcement (to try the CLI on)."""
        where = f"#{CHANNEL} > {TOPIC}" if self.stage.kind == "zulip" else f"#{CHANNEL}"
        self.out(f"--- {where} ---")
        release = self.say("alice", "Release 2.0 ships on Friday: please read the notes!")
        self.stage.read("carol", release)
        self.note(f"{PEOPLE['carol']} reads it")
        office = self.say("alice", "Reminder: the office is closed on Monday.")
        self.stage.read("bob", release)
        self.stage.read("bob", office)
        self.note(f"{PEOPLE['bob']} reads both announcements")
        await self.until(
            lambda: self.stage.bot_has_read(release) and self.stage.bot_has_read(office),
            "the bot to mark the announcements read",
        )
        self.note(f"{BOT_NAME} handled both and marked them read: its receipt proves it")
        readers = ", ".join(self.stage.receipt_names(release))
        self.note(
            f"{self.stage.product}'s own read receipts for message {release} now list: {readers}"
        )
        self.say("dave", f"{self.stage.mention} who read {self.stage.link(release)}")
        await self.bot_answers()
        self.say("alice", f"!audit {CHANNEL} 1h")
        await self.bot_answers()
        return release


async def play(kind: str, out: Callable[[str], None], *, serve: bool = False) -> None:
    """Start a local ``kind`` server, run the bot and play the story. With ``serve``, keep both
    running afterwards (until Ctrl-C) and print how to connect."""
    stage = open_stage(kind)
    try:
        with tempfile.TemporaryDirectory(prefix="botkit-demo-") as data_dir:
            out(f"Local {kind} server (in-process fake) at {stage.url}")
            out(f"People: {', '.join(PEOPLE.values())}; bot: {BOT_NAME}")
            settings = stage.settings(Path(data_dir), {"audit": {"jobs": [AUDIT_JOB]}})
            async with Bot(settings) as bot:
                running = asyncio.create_task(bot.run_until_stopped())
                try:
                    await asyncio.wait_for(bot.ready.wait(), STEP_TIMEOUT)
                    release = await Story(stage, out).run()
                    if serve:
                        bot.install_signal_handlers()  # before saying we are ready
                        _print_access(stage, out, release)
                        await running
                finally:
                    bot.stop()
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.wait_for(running, STEP_TIMEOUT)
    finally:
        stage.stop()


def _print_access(stage: Stage, out: Callable[[str], None], example_id: str) -> None:
    out("")
    out(f"Server and bot keep running at {stage.url} (Ctrl-C to stop).")
    out("Credentials of this local fake (generated for this run):")
    for line in stage.credentials():
        out(line)
    out(
        f"The demo's own bot is already running as {BOT_NAME} with the credentials below: do "
        "not start another bot on this account (both would answer every message). Use them "
        f"for the command line, e.g. `botkit receipts -c config.toml {example_id}`:"
    )
    out(stage.bot_config())
