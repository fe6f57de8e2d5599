"""Run the ``botkit`` command in-process, in a fresh folder, with no BOTKIT_* variables."""

from __future__ import annotations

import os
import selectors
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner, Result

from botkit.cli import cli

Invoke = Callable[..., Result]

ZULIP_CONFIG = """\
[bot]
name = "testbot"
[zulip]
site = "https://zulip.example.net"
email = "testbot@example.com"
api_key = "{api_key}"
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper().startswith("BOTKIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def invoke() -> Invoke:
    """``invoke("check-config", "-c", "x.toml", env={...})``: the result of one command."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=True)

    return run


def read_until(stream: IO[bytes] | None, needle: bytes, timeout: float) -> bytes:
    """Read a child process's pipe until ``needle`` shows up, the pipe closes, or ``timeout``
    seconds pass; returns everything read."""
    assert stream is not None
    seen = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while needle not in seen and time.monotonic() < deadline:
            if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    break
                seen += chunk
    return seen
