"""SIGINT / SIGTERM: the first asks for a graceful stop, a second one exits at once.

A graceful stop can take up to ``delivery.shutdown_timeout`` (running handlers finish, read
marks are flushed). Someone who presses Ctrl-C twice wants out now: the second signal ends the
process immediately with the shell's convention, 128 + signal number (130 for SIGINT, 143 for
SIGTERM). Nothing is lost by that: unacknowledged messages stay unread on the server and are
offered again at the next start. Before exiting it prints one line with ``last_words()`` (how
many read marks were still pending): that callback runs on the loop like any callback, so it
must only read state, never wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable

__all__ = ["SignalHandlers"]

log = logging.getLogger("botkit.runtime")

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class SignalHandlers:
    """``install()`` on the running loop; ``remove()`` restores the default behaviour."""

    def __init__(
        self,
        on_first: Callable[[str], None],
        *,
        exit_now: Callable[[int], None] = os._exit,
        last_words: Callable[[], str] | None = None,
    ) -> None:
        self._on_first = on_first
        self._exit_now = exit_now
        self._last_words = last_words
        self._received: list[signal.Signals] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    def install(self) -> None:
        self._loop = asyncio.get_running_loop()
        for sig in _SIGNALS:
            self._loop.add_signal_handler(sig, self._handle, sig)

    def remove(self) -> None:
        if self._loop is None:
            return
        for sig in _SIGNALS:
            self._loop.remove_signal_handler(sig)
        self._loop = None

    def _handle(self, sig: signal.Signals) -> None:
        self._received.append(sig)
        if len(self._received) == 1:
            log.info("%s received: stopping (send it again to exit at once)", sig.name)
            self._on_first(sig.name)
            return
        code = 128 + int(sig)
        line = f"botkit: second {sig.name}, exiting now (exit code {code})"
        try:
            if self._last_words is not None:
                line += f"; {self._last_words()}"
        except Exception:  # whatever went wrong, the user asked to get out now
            pass
        # one raw write to fd 2: no logging handler or stream lock (another thread may hold one)
        with contextlib.suppress(OSError):
            os.write(2, f"{line}\n".encode(errors="replace"))
        self._exit_now(code)
