"""SIGTERM/SIGINT stop the bot gracefully; a second signal exits at once (128 + signal), saying
what it leaves behind."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

SCRIPT = Path(__file__).with_name("signal_bot.py")
LIMIT = 15.0  # seconds; the bot starts in well under one


@pytest.fixture
def start_bot(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(mode: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), str(tmp_path / "data"), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=LIMIT)


StartBot = Callable[[str], subprocess.Popen[bytes]]


def _read_until(stream: IO[bytes] | None, marker: bytes) -> bytes:
    """Read ``stream`` until ``marker`` shows up, failing after ``LIMIT`` seconds."""
    assert stream is not None
    fd = stream.fileno()
    seen = b""
    deadline = time.monotonic() + LIMIT
    while marker not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out waiting for {marker!r}; got {seen!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, f"the bot exited before {marker!r}; got {seen!r}"
            seen += chunk
    return seen


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_one_signal_stops_gracefully_and_flushes_read_marks(
    start_bot: StartBot, sig: signal.Signals
) -> None:
    proc = start_bot("quick")
    _read_until(proc.stdout, b"READY")
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=LIMIT)
    assert proc.returncode == 0, err.decode()
    assert b"MARKED [['" in out  # the one handled message, flushed on the way out
    assert f"{sig.name} received: stopping".encode() in err


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_second_signal_exits_at_once(start_bot: StartBot, sig: signal.Signals, code: int) -> None:
    proc = start_bot("slow")  # its handler never finishes: a graceful stop would wait 60 s
    _read_until(proc.stdout, b"READY")
    proc.send_signal(sig)
    _read_until(proc.stderr, b"received: stopping")
    started = time.monotonic()
    proc.send_signal(sig)
    proc.wait(timeout=LIMIT)
    assert proc.returncode == code
    assert time.monotonic() - started < 5.0
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert f"second {sig.name}, exiting now".encode() in err


def test_second_signal_says_what_stays_unacknowledged(start_bot: StartBot) -> None:
    proc = start_bot("quick,slow")  # one handled (its read mark waits), one never finishes
    _read_until(proc.stdout, b"READY")
    proc.send_signal(signal.SIGINT)
    _read_until(proc.stderr, b"received: stopping")
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=LIMIT)
    assert proc.returncode == 130
    assert proc.stderr is not None
    lines = [line for line in proc.stderr.read().decode().splitlines() if "second" in line]
    assert lines == [
        "botkit: second SIGINT, exiting now (exit code 130); 1 read mark was still pending and "
        "1 message was still being handled: those messages stay unread and come back at the "
        "next start"
    ]
