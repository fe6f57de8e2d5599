"""A botkit bot in its own process, for the bench.

    python -m bench.bot_process SETTINGS.json --plugin noop --status STATUS.json

Runs ``botkit.runtime.Bot`` with the given settings (a JSON object, as ``Settings`` takes it)
and either the bench's no-op plugin or the plugins the settings enable (``--plugin none``). It
writes ``STATUS.json`` when the bot is ready (``{"ready": monotonic time}``) and again when it
has stopped (adding ``handled``: messages the no-op plugin saw, ``maxrss_kb``: peak resident
memory of this process, ``cpu_s``: CPU seconds). SIGTERM stops it gracefully.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from botkit.config import Settings
from botkit.models import Message
from botkit.plugin import Context, Plugin, on_message
from botkit.runtime import Bot

__all__ = ["NoopPlugin", "main"]

READY_TIMEOUT = 120.0


def _every(message: Message) -> bool:
    return True


class NoopPlugin(Plugin):
    """Sees every message and does nothing: what is measured is botkit's own cost."""

    name = "noop"
    seen = 0

    @on_message(_every)
    async def see(self, ctx: Context) -> None:
        NoopPlugin.seen += 1


def _write(path: Path, status: dict[str, Any]) -> None:
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(status), encoding="utf-8")
    os.replace(partial, path)


def _usage() -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"maxrss_kb": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime}


async def _run(settings: Settings, plugins: list[Any] | None, status_path: Path) -> dict[str, Any]:
    status: dict[str, Any] = {"started": time.monotonic()}
    async with Bot(settings, plugins=plugins) as bot:
        bot.install_signal_handlers()
        status["connected"] = time.monotonic()
        task = asyncio.create_task(bot.run_until_stopped())
        ready = asyncio.create_task(bot.ready.wait())
        await asyncio.wait({task, ready}, timeout=READY_TIMEOUT, return_when="FIRST_COMPLETED")
        if bot.ready.is_set():
            status["ready"] = time.monotonic()
            _write(status_path, status)
        ready.cancel()
        await task
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bot_process")
    parser.add_argument("settings", type=Path)
    parser.add_argument("--plugin", choices=["noop", "none"], default="noop")
    parser.add_argument("--status", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = Settings.model_validate(json.loads(args.settings.read_text(encoding="utf-8")))
    plugins: list[Any] | None = [NoopPlugin] if args.plugin == "noop" else None
    try:
        status = asyncio.run(_run(settings, plugins, args.status))
    except Exception as error:
        logging.exception("the bench bot failed")
        _write(args.status, {"error": f"{type(error).__name__}: {error}", **_usage()})
        return 1
    _write(args.status, {**status, "stopped": time.monotonic(), "handled": NoopPlugin.seen,
                         **_usage()})  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
