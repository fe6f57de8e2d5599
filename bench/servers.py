"""The bench's side of a server process: start it, drive it over HTTP, read its request log.

with BenchServer.start("zulip", rate_limit="default", workdir=tmp) as server:
    alice = server.control("create_user", full_name="Alice")
    server.state(user=alice["email"])   # {"now", "unread", "messages"}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import requests

from bench.procs import Child, StopsOnExit, python_module

__all__ = ["Backend", "BenchServer", "Logged", "ServerError"]

Backend = Literal["zulip", "rocketchat"]
START_TIMEOUT = 30.0
#: Rows per /bench/requests answer (``bench.server_process``).
PAGE = 20000


class ServerError(RuntimeError):
    """The bench server answered an error (the message names the action and the reason)."""


@dataclass(frozen=True, slots=True)
class Logged:
    """One request of the server's request log."""

    method: str
    path: str
    status: int
    user: str | None
    at: float  # the server's time.monotonic()


class BenchServer(StopsOnExit):
    def __init__(self, backend: Backend, child: Child, url: str, rate_limit: str) -> None:
        self.backend = backend
        self.child = child
        self.url = url
        self.rate_limit = rate_limit
        self.http = requests.Session()
        self._log: list[Logged] = []

    @classmethod
    def start(cls, backend: Backend, *, rate_limit: str, workdir: Path) -> BenchServer:
        """``rate_limit``: ``"default"`` (the real server's), ``"none"`` or ``"CALLS/SECONDS"``."""
        argv = python_module("bench.server_process", backend, "--rate-limit", rate_limit)
        child = Child(argv, log=workdir / f"server-{backend}.log", capture=True)
        try:
            url = json.loads(child.readline(START_TIMEOUT))["url"]
        except BaseException:
            child.stop()
            raise
        return cls(backend, child, str(url), rate_limit)

    def stop(self) -> None:
        self.http.close()
        self.child.stop()

    # -- driving --------------------------------------------------------------------------------
    def control(self, action: str, method: str = "POST", **body: Any) -> Any:
        """A ``/botkit-control/<action>`` call."""
        url = f"{self.url}/botkit-control/{action}"
        if method == "GET":
            response = self.http.get(url, params=body, timeout=60)
        else:
            response = self.http.post(url, json=body, timeout=120)
        return self._answer(response, f"control {action}")

    def state(self, user: str | None = None) -> dict[str, Any]:
        response = self.http.post(f"{self.url}/bench/state", json={"user": user}, timeout=30)
        result: dict[str, Any] = self._answer(response, "bench state")
        return result

    def now(self) -> float:
        """The server's monotonic clock (what request-log times are measured on)."""
        return float(self.state()["now"])

    def log(self) -> list[Logged]:
        """The whole request log so far (fetched incrementally)."""
        return self.log_since(0)

    def log_since(self, index: int) -> list[Logged]:
        """The request log from ``index`` on (what is new is fetched; the rest is cached)."""
        while True:
            response = self.http.post(
                f"{self.url}/bench/requests", json={"since": len(self._log)}, timeout=60
            )
            page = self._answer(response, "bench requests")["requests"]
            self._log.extend(Logged(m, p, int(s), u, float(at)) for m, p, s, u, at in page)
            if len(page) < PAGE:
                return self._log[index:]

    def requests_of(
        self, user: str, since: float = 0.0, until: float | None = None
    ) -> list[Logged]:
        """Requests made as ``user`` (Zulip: email, Rocket.Chat: user id) in [since, until]."""
        return [
            r
            for r in self.log()
            if r.user == user and r.at >= since and (until is None or r.at <= until)
        ]

    @staticmethod
    def _answer(response: requests.Response, what: str) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = {"error": response.text[:200]}
        if response.status_code != 200:
            raise ServerError(f"{what}: HTTP {response.status_code}: {body.get('error', body)}")
        return body
