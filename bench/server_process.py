"""The bench server: a local Zulip or Rocket.Chat in its own process, so the server's work is
never counted as botkit's.

    python -m bench.server_process zulip --rate-limit 200/60
    python -m bench.server_process rocketchat --rate-limit none

It prints one JSON line (``{"url": ...}``) once it listens, then serves until its standard input
closes (the bench ended, or died) or it gets SIGTERM. Besides the servers' own control API
(``/botkit-control/``) it answers two read-only routes for measuring, loopback only:

    POST /bench/state     {"user": ref}          -> {"now", "unread", "messages"}
    POST /bench/requests  {"since": index}       -> {"next", "requests": [[method, path,
                                                     status, user, at], ...]}

These requests are not logged. ``now`` and ``at`` are the server's ``time.monotonic()``, so
durations are measured on one clock.
``unread`` counts what the user has not marked read: Zulip's unread rows; on Rocket.Chat, rooms
whose last message is newer than the user's last-seen time (the bot marks rooms read).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from typing import Any

from botkit.servers._http import LocalServer, Request, Response, Route
from botkit.servers.rocketchat import LocalRocketChat
from botkit.servers.zulip import LocalZulip

__all__ = ["BENCH_PREFIX", "BenchRocketChat", "BenchZulip", "parse_rate_limit"]

BENCH_PREFIX = "/bench/"
_LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
#: Requests returned per /bench/requests call (the caller pages with ``since``).
_PAGE = 20000


def parse_rate_limit(text: str) -> tuple[int, float] | None:
    """``"200/60"`` -> (200, 60.0); ``"none"`` -> None."""
    if text.lower() == "none":
        return None
    calls, _, window = text.partition("/")
    try:
        parsed = int(calls), float(window or 60)
    except ValueError:
        raise ValueError(f"rate limit {text!r}: use CALLS/SECONDS (200/60) or none") from None
    if parsed[0] < 1 or parsed[1] <= 0:
        raise ValueError(f"rate limit {text!r}: calls and seconds must be positive")
    return parsed


def _request_page(server: LocalServer, since: int) -> dict[str, Any]:
    with server.lock:
        chunk = server.request_log[since : since + _PAGE]
    rows = [[r.method, r.path, r.status, r.user, r.at] for r in chunk]
    return {"next": since + len(rows), "requests": rows}


def _bench_routes(server: LocalServer, unread: Any, messages: Any) -> list[Route]:
    def state(request: Request) -> Response:
        body = request.json() or {}
        user = body.get("user")
        with server.lock:
            answer = {
                "now": time.monotonic(),
                "unread": unread(user) if user is not None else None,
                "messages": messages(),
            }
        return Response.json(answer)

    def requests(request: Request) -> Response:
        body = request.json() or {}
        return Response.json(_request_page(server, int(body.get("since", 0))))

    def guarded(handler: Any) -> Any:
        def serve(request: Request) -> Response:
            if request.client_ip not in _LOOPBACK:
                return Response.json({"error": "loopback clients only"}, 403)
            try:
                result: Response = handler(request)
            except (LookupError, ValueError, TypeError) as error:
                return Response.json({"error": str(error)}, 400)
            return result

        return serve

    return [
        Route("POST", r"/bench/state", guarded(state)),
        Route("POST", r"/bench/requests", guarded(requests)),
    ]


class BenchZulip(LocalZulip):
    def routes(self) -> list[Route]:
        return [*super().routes(), *_bench_routes(self, self._unread, self._messages)]

    def _log(self, request: Request, status: int) -> None:
        if not request.path.startswith(BENCH_PREFIX):  # measuring must not change the log
            super()._log(request, status)

    def _unread(self, ref: Any) -> int:
        return len(self.state.unread.get(self.user(ref).id, []))

    def _messages(self) -> int:
        return len(self.state.messages)


class BenchRocketChat(LocalRocketChat):
    def routes(self) -> list[Route]:
        return [*super().routes(), *_bench_routes(self, self._unread, self._messages)]

    def _log(self, request: Request, status: int) -> None:
        if not request.path.startswith(BENCH_PREFIX):
            super()._log(request, status)

    def _unread(self, ref: Any) -> int:
        state = self.state
        user = state.user(ref)
        behind = 0
        for sub in state.subs_by_user.get(user.id, {}).values():
            room = state.rooms.get(sub.rid)
            if room is None or room.lm is None:
                continue
            if sub.ls is None or sub.ls < room.lm:
                behind += 1
        return behind

    def _messages(self) -> int:
        return len(self.state.messages)


def _until_eof(stop: threading.Event) -> None:
    sys.stdin.read()  # the bench holds the pipe open while it needs this server
    stop.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_process")
    parser.add_argument("backend", choices=["zulip", "rocketchat"])
    parser.add_argument("--rate-limit", default="default", help="CALLS/SECONDS, none, default")
    args = parser.parse_args(argv)
    server: LocalServer
    if args.backend == "zulip":
        limit = (200, 60.0) if args.rate_limit == "default" else parse_rate_limit(args.rate_limit)
        server = BenchZulip(rate_limit=limit)  # the real server's long-poll and heartbeat
    else:
        limit = (10, 60.0) if args.rate_limit == "default" else parse_rate_limit(args.rate_limit)
        server = BenchRocketChat(rate_limit=limit)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    try:
        print(json.dumps({"url": server.url}), flush=True)
        watcher = threading.Thread(target=_until_eof, args=(stop,), daemon=True)
        watcher.start()
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
