"""A bot process for the signal tests: ``python signal_bot.py DATA_DIR quick|slow|quick,slow``.

It sends the messages given and prints ``READY`` once all are being handled: ``quick`` finishes
at once (its read mark waits for the shutdown flush), ``slow`` never finishes. After a graceful
stop it prints the read marks the server got.
"""

from __future__ import annotations

import asyncio
import sys

from botkit.backends.memory import MemoryBackend
from botkit.config import Settings
from botkit.logs import setup_logging
from botkit.models import Message
from botkit.runtime import Bot


class Host:
    def __init__(self) -> None:
        self.entered: list[str] = []
        self.changed = asyncio.Event()

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def handle(self, message: Message) -> None:
        self.entered.append(message.text)
        self.changed.set()
        if message.text == "slow":
            await asyncio.Event().wait()


async def main(data_dir: str, texts: str) -> None:
    settings = Settings.model_validate(
        {
            "bot": {"backend": "memory", "data_dir": data_dir},
            "delivery": {"ack_max_delay": "1h", "shutdown_timeout": "60s"},
        }
    )
    backend = MemoryBackend(settings)
    alice = backend.add_user("alice")
    general = backend.add_channel("general", [alice])
    host = Host()
    async with Bot(settings, backend=backend, host=host) as bot:
        bot.install_signal_handlers()
        run = asyncio.create_task(bot.run_until_stopped())
        await bot.ready.wait()
        wanted = texts.split(",")
        for text in wanted:
            backend.inject(text, alice, general)
        while len(host.entered) < len(wanted):
            host.changed.clear()
            await host.changed.wait()
        print("READY", flush=True)
        await run
    print("MARKED", backend.marked_read, flush=True)


if __name__ == "__main__":
    setup_logging("INFO")
    asyncio.run(main(sys.argv[1], sys.argv[2]))
