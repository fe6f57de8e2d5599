"""One bot per data_dir: an exclusive lock on ``<data_dir>/botkit.lock`` for the bot's lifetime.

Two bots on one data_dir would both receive every message and both answer it (each one's
dedupe only knows what it handled itself). The runtime takes this lock before it opens the store
or connects, so a second ``botkit run`` stops at once with ``DataDirLocked``.

Why ``flock`` on a file that stays: the kernel drops the lock when the holder's process ends,
however it ends (no stale lock after a crash or ``kill -9``); locks belong to the open file, so
two bots in one process exclude each other too; and the file is never deleted, because deleting
it would let a third bot lock a fresh file while a second still holds the old one. The file
holds the holder's pid, only so the error can name it.

One-shot commands (``botkit receipts``, ``botkit audit``) do not use the store and do not take
the lock: they work while a bot runs.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from botkit.errors import ConfigError, DataDirLocked

__all__ = ["LOCK_FILENAME", "DataDirLock", "DataDirLocked"]

LOCK_FILENAME = "botkit.lock"


class DataDirLock:
    """``acquire()`` or raise ``DataDirLocked``; ``release()`` (safe to call twice)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_FILENAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise self._cannot("create", exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise DataDirLocked(self.data_dir, holder) from None
        except OSError as exc:
            os.close(fd)
            raise self._cannot("lock", exc) from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # the pid is only for the message: a full disk must not stop the bot
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # no stale pid for whoever reads the file next
        except OSError:
            pass
        finally:
            os.close(fd)  # closing drops the lock

    def _cannot(self, what: str, exc: OSError) -> ConfigError:
        return ConfigError(
            f"cannot {what} {self.path}: {exc.strerror or exc} "
            "(check [bot] data_dir: it must be a writable folder)"
        )


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
