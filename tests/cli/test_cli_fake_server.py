"""`botkit fake-server KIND`: serves until Ctrl-C, printing how to connect."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import read_until

BOTKIT = Path(sys.executable).with_name("botkit")


@pytest.mark.parametrize("kind", ["zulip", "rocketchat"])
def test_fake_server_serves_until_interrupted(kind: str) -> None:
    process = subprocess.Popen(
        [str(BOTKIT), "fake-server", kind, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        seen = read_until(process.stdout, b"Ctrl-C", timeout=30)
        assert b"http://127.0.0.1:" in seen, seen.decode(errors="replace")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()
