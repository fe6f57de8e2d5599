"""The SQLite store: key-value namespaces, handled ids, failures, pruning, persistence."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from botkit.errors import ConfigError
from botkit.store import Store


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_file_is_created_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "data" / "botkit.sqlite3"
    store = Store(path)
    store.kv("x").set("a", 1)
    store.close()
    store.close()  # safe twice
    assert path.exists()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_kv_roundtrip_namespaces_and_prefix() -> None:
    store = Store.in_memory()
    plugin, backend = store.kv("plugin:echo"), store.kv("backend:memory")
    plugin.set("count", 3)
    plugin.set("config:a", {"nested": [1, "two", None]})
    plugin.set("config:b", True)
    backend.set("count", "other namespace")
    assert plugin.get("count") == 3
    assert plugin.get("config:a") == {"nested": [1, "two", None]}
    assert plugin.get("missing", "fallback") == "fallback"
    assert plugin.keys() == ["config:a", "config:b", "count"]
    assert plugin.keys("config:") == ["config:a", "config:b"]
    assert plugin.keys("%") == []  # the prefix is literal, not a LIKE pattern
    plugin.set("count", 4)
    assert plugin.get("count") == 4
    plugin.delete("count")
    plugin.delete("count")
    assert plugin.get("count") is None
    assert backend.get("count") == "other namespace"


def test_kv_rejects_non_json_values_clearly() -> None:
    kv = Store.in_memory().kv("plugin:echo")
    with pytest.raises(TypeError, match=r"'when' in 'plugin:echo'.*plain JSON"):
        kv.set("when", object())


def test_handled_ids_are_per_backend_and_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "botkit.sqlite3"
    store = Store(path)
    store.record_handled("zulip", ["1", "2"])
    store.record_handled("zulip", ["2"])  # idempotent
    store.close()
    reopened = Store(path)
    assert reopened.is_handled("zulip", "1")
    assert reopened.is_handled("zulip", "2")
    assert not reopened.is_handled("rocketchat", "1")
    assert not reopened.is_handled("zulip", "3")


def test_failures_count_attempts_until_handled() -> None:
    store = Store.in_memory()
    assert store.record_failure("memory", "7", "boom") == 1
    assert store.record_failure("memory", "7", "boom again") == 2
    assert store.record_failure("memory", "8", "x" * 10_000) == 1
    assert store.pending_retries("memory", max_attempts=3) == ["7", "8"]
    assert store.pending_retries("memory", max_attempts=2) == ["8"]
    assert store.pending_retries("zulip", max_attempts=3) == []
    store.record_handled("memory", ["8"])  # success forgets the failure
    store.clear_failure("memory", "7")
    assert store.pending_retries("memory", max_attempts=3) == []
    assert store.record_failure("memory", "7", "fresh start") == 1


def test_prune_forgets_only_old_handled_ids() -> None:
    clock = _Clock()
    store = Store(":memory:", clock=clock)
    store.record_handled("memory", ["old"])
    clock.now += 10 * 86400
    store.record_handled("memory", ["new"])
    assert store.prune_handled(timedelta(days=5)) == 1
    assert not store.is_handled("memory", "old")
    assert store.is_handled("memory", "new")
    assert store.prune_handled(timedelta(days=5)) == 0


def test_unwritable_data_dir_is_a_clear_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="data_dir"):
        Store(blocker / "botkit.sqlite3")


def test_store_from_newer_botkit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "botkit.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(ConfigError, match="newer botkit"):
        Store(path)
