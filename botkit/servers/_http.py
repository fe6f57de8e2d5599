"""The HTTP layer shared by the local Zulip and Rocket.Chat servers.

Real HTTP/1.1 with keep-alive on 127.0.0.1 (the official clients talk to it exactly as to a real
server), a thread per connection so long-polls can park, a request log for tests to assert on, and
fault injection (the next N requests to a path answer 502 or drop the connection).

A server subclass registers routes::

    class MyServer(LocalServer):
        def routes(self) -> list[Route]:
            return [Route("GET", r"/api/v1/users/me", self.get_me)]

        def get_me(self, request: Request) -> Response:
            return Response.json({"result": "success"})
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

__all__ = ["Fault", "LocalServer", "LoggedRequest", "Request", "Response", "Route"]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    client_ip: str
    params: dict[str, str] = field(default_factory=dict)  # named groups of the route pattern
    #: Set by the server's authentication step, logged with the request.
    user: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def form(self) -> dict[str, str]:
        """Query string merged with a urlencoded body (Zulip style); last value wins."""
        merged = {k: v[-1] for k, v in self.query.items()}
        ctype = self.header("content-type") or ""
        if self.body and "application/x-www-form-urlencoded" in ctype:
            parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
            merged.update({k: v[-1] for k, v in parsed.items()})
        return merged

    def json(self) -> Any:
        """The JSON body, or None when there is none or it is not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls,
        payload: Any,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, content_type, dict(headers or {}))

    @classmethod
    def html(cls, text: str, status: int) -> Response:
        return cls(status, text.encode(), "text/html; charset=utf-8")


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str  # regex matched against the whole path; named groups become request.params
    handler: Handler


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    status: int
    user: str | None
    at: float  # time.monotonic()
    #: Decoded form or JSON body, for asserting what a client sent.
    data: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class Fault:
    path_prefix: str
    remaining: int
    mode: Literal["502", "503", "drop"]


class LocalServer:
    """Base of the local chat servers: routing, request log, faults, start/stop."""

    #: How often the accept loop checks for shutdown; ``stop()`` waits up to this long.
    poll_interval: float = 0.5

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.request_log: list[LoggedRequest] = []
        self._faults: list[Fault] = []
        self._routes = [(r.method, re.compile(r.pattern), r.handler) for r in self.routes()]
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- to implement -------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        raise NotImplementedError

    def not_found(self, request: Request) -> Response:
        return Response.json({"error": "not found"}, status=404)

    def method_not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return Response.json({"error": "method not allowed"}, status=405)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self, port: int = 0, host: str = "127.0.0.1") -> LocalServer:
        """Listen on ``host:port`` (0: a free port) in a background thread."""
        server = self

        class _Handler(_RequestHandler):
            owner = server

        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": self.poll_interval},
            name=f"{type(self).__name__}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LocalServer:
        return self if self._httpd is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- test controls ------------------------------------------------------------------------
    def fail_next(
        self, path_prefix: str, count: int = 1, mode: Literal["502", "503", "drop"] = "502"
    ) -> None:
        """The next ``count`` requests whose path starts with ``path_prefix`` answer ``mode``
        (an HTTP 502/503 or a dropped connection) instead of being served."""
        with self.lock:
            self._faults.append(Fault(path_prefix, count, mode))

    def requests(
        self, path: str | None = None, method: str | None = None, user: str | None = None
    ) -> list[LoggedRequest]:
        """Logged requests, filtered by exact path (or prefix ending in '*'), method, user."""
        with self.lock:
            log = list(self.request_log)
        return [r for r in log if _matches(r, path, method, user)]

    def clear_log(self) -> None:
        with self.lock:
            self.request_log.clear()

    # -- dispatch -----------------------------------------------------------------------------
    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if path.startswith(fault.path_prefix) and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def dispatch(self, request: Request) -> Response:
        allowed: list[str] = []
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            request.params = {k: v for k, v in match.groupdict().items() if v is not None}
            return handler(request)
        if allowed:
            return self.method_not_allowed(request, allowed)
        return self.not_found(request)

    def _log(self, request: Request, status: int) -> None:
        data: dict[str, Any] = {}
        body = request.json()
        if isinstance(body, dict):
            data = body
        elif request.method != "GET" or request.query:
            data = request.form()
        entry = LoggedRequest(
            request.method, request.path, status, request.user, time.monotonic(), data
        )
        with self.lock:
            self.request_log.append(entry)


def _matches(r: LoggedRequest, path: str | None, method: str | None, user: str | None) -> bool:
    if path is not None:
        if path.endswith("*"):
            if not r.path.startswith(path[:-1]):
                return False
        elif r.path != path:
            return False
    if method is not None and r.method != method:
        return False
    return user is None or r.user == user


class _RequestHandler(BaseHTTPRequestHandler):
    owner: LocalServer
    protocol_version = "HTTP/1.1"  # keep-alive, as the clients' sessions expect

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm
        # plus the client's delayed ACK add ~40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return  # the request log replaces stderr noise

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            client_ip=self.client_address[0],
        )
        fault = self.owner._take_fault(request.path)
        if fault is not None and fault.mode == "drop":
            self.owner._log(request, 0)
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None:
            status = int(fault.mode)
            response = Response.html(f"<html><body>{status} Bad Gateway</body></html>", status)
        else:
            try:
                response = self.owner.dispatch(request)
            except Exception:  # a bug in the fake must not hang the client
                import traceback

                traceback.print_exc()
                response = Response.json({"result": "error", "msg": "Internal server error"}, 500)
        self.owner._log(request, response.status)
        self._write(response)

    def _write(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve
