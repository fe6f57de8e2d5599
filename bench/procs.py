"""Child processes of the bench: started, waited for (always with a bound), always stopped.

Every server, bot and alternative client runs in its own process so the work of one is never
counted as another's. ``Child`` is a context manager: leaving it sends SIGTERM, waits a few
seconds, then kills.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self, TypeVar

__all__ = [
    "BENCH_ROOT",
    "Child",
    "StopsOnExit",
    "botkit_command",
    "python_module",
    "read_json_file",
    "wait_until",
]

#: The repository checkout (parent of the ``bench`` package).
BENCH_ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def python_module(module: str, *args: str) -> list[str]:
    """A command line running ``python -m module args`` with this interpreter."""
    return [sys.executable, "-m", module, *args]


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux for SIGTERM when the bench process dies (even by
    SIGKILL), so no server or bot outlives it. Elsewhere: nothing (the context managers still
    stop every child on a normal exit or an exception)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def botkit_command() -> list[str]:
    """How a user runs ``botkit``: the installed script next to this interpreter."""
    script = Path(sys.executable).parent / "botkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "botkit"]


def wait_until(
    probe: Callable[[], T | None], timeout: float, what: str, interval: float = 0.02
) -> T:
    """Call ``probe`` until it returns something other than None (or False); TimeoutError
    naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class StopsOnExit:
    """``with thing:`` calls ``thing.stop()`` on the way out, whatever happened."""

    def stop(self) -> Any:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class Child(StopsOnExit):
    """One child process. ``stdout`` is a pipe when ``capture`` (read it with ``readline``),
    stderr goes to ``log`` (a file the bench prints from when something fails)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        log: Path,
        capture: bool = False,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stdin_pipe: bool = True,
        bench_on_path: bool = True,
    ) -> None:
        self.argv = list(argv)
        self.log_path = log
        merged = {**os.environ, **(env or {})}
        if bench_on_path:  # ``python -m bench.<module>`` from anywhere
            merged["PYTHONPATH"] = str(BENCH_ROOT)
        else:
            merged.pop("PYTHONPATH", None)
        self._log: IO[bytes] = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else self._log,
            stderr=self._log,
            env=merged,
            cwd=str(cwd or BENCH_ROOT),
            text=False,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - children start from one thread
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def readline(self, timeout: float) -> str:
        """The next stdout line (needs ``capture``); TimeoutError if none comes in time."""
        import selectors

        stream = self.proc.stdout
        if stream is None:
            raise RuntimeError("this child's stdout is not captured")
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise TimeoutError(f"{self.argv[2:4]} printed nothing for {timeout:.0f} s")
        line = stream.readline().decode("utf-8", "replace")
        if not line:
            raise RuntimeError(f"{self.argv[2:4]} exited early: {self.log_tail()}")
        return line

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait(self, timeout: float) -> int:
        """Wait for the exit code; TimeoutError (the child keeps running) after ``timeout``."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"{self.argv[2:4]} still running after {timeout:.0f} s") from None

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM, wait ``grace`` seconds, then SIGKILL. Returns the exit code."""
        try:
            if self.proc.poll() is None:
                if self.proc.stdin is not None:
                    with contextlib.suppress(OSError):
                        self.proc.stdin.close()
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(grace)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
            return self.proc.returncode
        finally:
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            self._log.close()


def read_json_file(path: Path) -> Any:
    """The JSON in ``path``, or None while it does not exist or is half written."""
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
