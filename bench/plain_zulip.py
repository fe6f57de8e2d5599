"""The plain approach, for comparison: the official ``zulip`` client's ``call_on_each_message``
with a no-op handler that marks each message read with its own ``update_message_flags`` call.

    python -m bench.plain_zulip ZULIPRC

A careful plain bot: on a 429 it sleeps the ``retry-after`` the server asked for and tries
again (otherwise the message would stay unread). Runs until SIGTERM.
"""

from __future__ import annotations

import signal
import sys
import time
from typing import Any

import zulip

__all__ = ["main"]

#: Attempts per message before the plain bot gives up on marking it read.
MAX_ATTEMPTS = 100


def mark_read(client: Any, message_id: int) -> None:
    for _ in range(MAX_ATTEMPTS):
        result = client.update_message_flags(
            {"messages": [message_id], "op": "add", "flag": "read"}
        )
        if result.get("result") == "success":
            return
        if result.get("code") != "RATE_LIMIT_HIT":
            return
        time.sleep(float(result.get("retry-after", 1.0)))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.plain_zulip ZULIPRC", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    client = zulip.Client(config_file=args[0], client="BenchPlainBot")
    client.call_on_each_message(lambda message: mark_read(client, int(message["id"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
