"""Helpers for configuration tests: write a TOML file, load it with a controlled environment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from botkit.config import LoadedConfig, load_config
from botkit.errors import ConfigError

WriteConfig = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteConfig:
    """``write_config(text, name="config.toml")`` writes a file in a fresh working folder and
    returns its relative path (so messages name it as a user typing it would)."""
    monkeypatch.chdir(tmp_path)

    def write(text: str, name: str = "config.toml") -> Path:
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def load(path: Path | None = None, env: dict[str, str] | None = None) -> LoadedConfig:
    """Load with exactly ``env`` as the environment (never the test runner's own)."""
    return load_config(path, env=env or {})


def problems_of(path: Path | None = None, env: dict[str, str] | None = None) -> list[str]:
    """The problem lines of the ConfigError loading raises (fails if it does not)."""
    with pytest.raises(ConfigError) as caught:
        load(path, env)
    return caught.value.problems
