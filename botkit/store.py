"""The bot's memory across restarts: one SQLite file, ``<data_dir>/botkit.sqlite3``.

Three tables:

- ``handled``: message ids whose handling is finished (namespace = backend name), so a message
  the server offers again after a reconnect or restart is not handled twice;
- ``failures``: messages whose handler raised, with the attempts so far, retried on the next
  start until ``delivery.max_attempts``;
- ``kv``: small JSON values by namespace (``plugin:<name>``, ``backend:<name>``).

WAL mode lets readers and the single writer proceed together; every write is one short
transaction. Calls are quick local operations: the runtime runs batch writes in a worker thread,
so the connection is shared across threads behind a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from botkit.errors import ConfigError
from botkit.types import JSONValue

__all__ = ["STORE_FILENAME", "Store", "StoreKeyValue"]

STORE_FILENAME = "botkit.sqlite3"
_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS handled (
    backend TEXT NOT NULL,
    message_id TEXT NOT NULL,
    handled_at REAL NOT NULL,
    PRIMARY KEY (backend, message_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS handled_by_age ON handled (handled_at);
CREATE TABLE IF NOT EXISTS failures (
    backend TEXT NOT NULL,
    message_id TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    failed_at REAL NOT NULL,
    PRIMARY KEY (backend, message_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
"""
#: Longest error text kept per failure: enough to recognise it, never a whole traceback.
_MAX_ERROR_CHARS = 500


class Store:
    """The SQLite store. ``clock`` (seconds since the epoch) is a hook for tests."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # autocommit; transactions are explicit (BEGIN ... COMMIT) where several rows change
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise self._cannot_open(exc) from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise self._cannot_open(exc) from exc

    def _cannot_open(self, exc: Exception) -> ConfigError:
        return ConfigError(
            f"cannot open the bot's store {self.path}: {exc} "
            "(check [bot] data_dir: it must be a writable folder)"
        )

    @classmethod
    def in_memory(cls) -> Store:
        return cls(":memory:")

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > _SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"it was written by a newer botkit (schema {version}, this one knows "
                f"{_SCHEMA_VERSION})"
            )
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    # ---- key-value ---------------------------------------------------------------------------

    def kv(self, namespace: str) -> StoreKeyValue:
        """A persistent JSON key-value namespace (``botkit.types.KeyValue``)."""
        return StoreKeyValue(self, namespace)

    def _kv_get(self, namespace: str, key: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM kv WHERE namespace = ? AND key = ?", (namespace, key)
            ).fetchone()
        return None if row is None else str(row[0])

    def _kv_set(self, namespace: str, key: str, encoded: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO kv (namespace, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
                (namespace, key, encoded),
            )

    def _kv_delete(self, namespace: str, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM kv WHERE namespace = ? AND key = ?", (namespace, key))

    def _kv_keys(self, namespace: str, prefix: str) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key FROM kv WHERE namespace = ? AND substr(key, 1, ?) = ? ORDER BY key",
                (namespace, len(prefix), prefix),
            ).fetchall()
        return [str(row[0]) for row in rows]

    # ---- delivery ----------------------------------------------------------------------------

    def is_handled(self, backend: str, message_id: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM handled WHERE backend = ? AND message_id = ?", (backend, message_id)
            ).fetchone()
        return row is not None

    def record_handled(self, backend: str, message_ids: Sequence[str]) -> None:
        """Mark these messages handled (and forget their failures), in one transaction."""
        if not message_ids:
            return
        now = self._clock()
        rows = [(backend, message_id, now) for message_id in message_ids]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR IGNORE INTO handled (backend, message_id, handled_at) "
                    "VALUES (?, ?, ?)",
                    rows,
                )
                self._db.executemany(
                    "DELETE FROM failures WHERE backend = ? AND message_id = ?",
                    [(backend, message_id) for message_id in message_ids],
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def record_failure(self, backend: str, message_id: str, error: str) -> int:
        """Count one more failed attempt; returns the attempts so far."""
        with self._lock:
            row = self._db.execute(
                "INSERT INTO failures (backend, message_id, attempts, last_error, failed_at) "
                "VALUES (?, ?, 1, ?, ?) ON CONFLICT (backend, message_id) DO UPDATE SET "
                "attempts = attempts + 1, last_error = excluded.last_error, "
                "failed_at = excluded.failed_at RETURNING attempts",
                (backend, message_id, error[:_MAX_ERROR_CHARS], self._clock()),
            ).fetchone()
        return int(row[0])

    def pending_retries(self, backend: str, max_attempts: int) -> list[str]:
        """Failed messages with attempts left, oldest failure first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT message_id FROM failures WHERE backend = ? AND attempts < ? "
                "ORDER BY failed_at, message_id",
                (backend, max_attempts),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def clear_failure(self, backend: str, message_id: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM failures WHERE backend = ? AND message_id = ?", (backend, message_id)
            )

    def prune_handled(self, older_than: timedelta) -> int:
        """Forget handled ids older than ``older_than``; returns how many were removed."""
        cutoff = self._clock() - older_than.total_seconds()
        with self._lock:
            cursor = self._db.execute("DELETE FROM handled WHERE handled_at < ?", (cutoff,))
        return cursor.rowcount

    def close(self) -> None:
        """Close the database. Safe to call twice."""
        with self._lock:
            self._db.close()


class StoreKeyValue:
    """One namespace of the store's key-value table (values are JSON)."""

    def __init__(self, store: Store, namespace: str) -> None:
        self._store = store
        self.namespace = namespace

    def get(self, key: str, default: JSONValue = None) -> JSONValue:
        encoded = self._store._kv_get(self.namespace, key)
        return default if encoded is None else json.loads(encoded)

    def set(self, key: str, value: JSONValue) -> None:
        try:
            encoded = json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"cannot store {key!r} in {self.namespace!r}: values must be plain JSON data "
                f"({exc})"
            ) from exc
        self._store._kv_set(self.namespace, key, encoded)

    def delete(self, key: str) -> None:
        self._store._kv_delete(self.namespace, key)

    def keys(self, prefix: str = "") -> list[str]:
        return self._store._kv_keys(self.namespace, prefix)

    def __repr__(self) -> str:
        return f"StoreKeyValue({self.namespace!r})"
