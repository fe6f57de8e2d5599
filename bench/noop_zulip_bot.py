"""A no-op bot for zulip_bots' runner (``zulip-run-bot bench/noop_zulip_bot.py``).

It runs in its own virtual environment (``bench/.venv-zulip-bots``), so it imports nothing from
botkit. It marks nothing read: the runner has no notion of acknowledging a message. To let the
bench see when the whole burst went through, it writes how many messages it has handled (and the
``time.monotonic()`` of the last one) to ``$BENCH_PROGRESS_FILE`` every 100 messages and at
``$BENCH_EXPECTED``.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

__all__ = ["NoopHandler", "handler_class"]


class NoopHandler:
    def __init__(self) -> None:
        self.count = 0
        self.path = os.environ.get("BENCH_PROGRESS_FILE", "")
        self.expected = int(os.environ.get("BENCH_EXPECTED", "0"))

    def usage(self) -> str:
        return "A no-op bot: the botkit bench measures the runner itself."

    def handle_message(self, message: dict[str, Any], bot_handler: Any) -> None:
        self.count += 1
        if self.path and (self.count % 100 == 0 or self.count == self.expected):
            partial = self.path + ".tmp"
            with open(partial, "w", encoding="utf-8") as out:
                json.dump({"handled": self.count, "at": time.monotonic()}, out)
            os.replace(partial, self.path)


handler_class = NoopHandler
