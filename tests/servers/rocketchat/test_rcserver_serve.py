"""serve(): start, seed, print how to connect, stop cleanly on Ctrl-C."""

from __future__ import annotations

import re

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from botkit.servers.rocketchat import demo


def _interrupt() -> None:
    raise KeyboardInterrupt


def test_serve_seeds_prints_and_stops(monkeypatch, capsys):
    seen: dict[str, object] = {}

    def check_then_interrupt() -> None:
        """Stands in for the blocking wait: uses the live server, then presses Ctrl-C."""
        out = capsys.readouterr().out
        seen["out"] = out
        url = re.search(r"http://127\.0\.0\.1:\d+", out).group(0)
        seen["url"] = url
        password = re.search(r"alice\s+password (\S+)", out).group(1)
        seen["me"] = RocketChat("alice", password, server_url=url).me()["username"]
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "_wait_forever", check_then_interrupt)
    demo.serve(port=0, seed=True)
    out = str(seen["out"])
    assert "fake" in out
    assert "receipt-bot" in out
    assert seen["me"] == "alice"
    assert "Stopping" in capsys.readouterr().out
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{seen['url']}/api/info", timeout=2)


def test_serve_without_seed(monkeypatch, capsys):
    monkeypatch.setattr(demo, "_wait_forever", _interrupt)
    demo.serve(seed=False)
    out = capsys.readouterr().out
    assert "alice" not in out
    assert "botkit-control" in out
