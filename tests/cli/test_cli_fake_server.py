"""`botkit fake-server KIND`: serves until Ctrl-C, printing how to connect."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Invoke, read_until

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


def test_port_help_names_the_real_default(invoke: Invoke) -> None:
    result = invoke("fake-server", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "[default: any free port; the URL is printed at start]" in text
    assert "usual port" not in text


def test_a_port_in_use_is_one_line_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BOTKIT), "fake-server", "zulip", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: cannot start the local zulip server: Address already in use "
        f"(127.0.0.1 port {port})"
    ]
    assert done.stdout == ""
