"""Worker threads for the synchronous client: one daemon thread per call.

Not the loop's default executor: ``asyncio.run`` waits for that executor's threads at exit, and a
long-poll may stay parked for the server's whole timeout. A daemon thread of its own never holds
up the interpreter; ``close()`` still waits (bounded) for them to end.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["Workers"]

T = TypeVar("T")


class Workers:
    def __init__(self, name: str) -> None:
        self._name = name
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def alive(self) -> list[threading.Thread]:
        with self._lock:
            return [t for t in self._threads if t.is_alive()]

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in a daemon thread and await its result (or exception)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def deliver(ok: bool, value: Any) -> None:
            if future.done():  # the awaiting task was cancelled meanwhile
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def work() -> None:
            try:
                outcome: tuple[bool, Any] = (True, fn())
            except BaseException as exc:  # handed to the awaiting task
                outcome = (False, exc)
            try:
                loop.call_soon_threadsafe(deliver, *outcome)
            except RuntimeError:
                pass  # the loop is gone: nobody is waiting any more
            finally:
                with self._lock:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=work, name=self._name, daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()
        return await future

    async def wait_idle(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until no thread runs; True if they all ended."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.alive():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.02)
        return True
