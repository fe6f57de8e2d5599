"""``LocalZulip``: the HTTP server, its routes, and the authenticate -> rate-limit -> handle
pipeline every /api/v1 request goes through.

What the pipeline reproduces: unknown paths and non-integer path ids answer Django's 404 HTML page
and wrong methods a 405 JSON body sent as ``text/html`` (both before authentication, so without
rate-limit headers); 401s never carry ``X-RateLimit-*``; ``GET``/``DELETE /events`` count in
Tornado's separate bucket; ``/server_settings`` is not limited per user, and uploads (posting
and serving files, ``uploads``) are not limited at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from botkit.servers._http import LocalServer, Request, Response, Route
from botkit.servers.zulip import api_channels as ch
from botkit.servers.zulip import api_events as ev
from botkit.servers.zulip import api_flags as fl
from botkit.servers.zulip import api_messages as msg
from botkit.servers.zulip import api_users as us
from botkit.servers.zulip.admin import AdminMixin
from botkit.servers.zulip.auth import authenticate
from botkit.servers.zulip.control import control_routes
from botkit.servers.zulip.errors import ZulipError, html_not_found
from botkit.servers.zulip.model import ZUser
from botkit.servers.zulip.ratelimit import RateLimiter
from botkit.servers.zulip.state import RealmState
from botkit.servers.zulip.uploads import UploadsMixin, serve_file, upload_file

__all__ = ["LocalZulip"]

ApiHandler = Callable[["LocalZulip", Request, Any], Response]
V1 = "/api/v1"
ID = r"(?P<{}>\d+)"


class LocalZulip(AdminMixin, UploadsMixin, LocalServer):
    """A local Zulip 10.2 server (see the package docstring for what it models)."""

    zulip_version = "10.2"
    poll_interval = 0.05  # stop() returns quickly (the accept loop checks this often)

    def __init__(
        self,
        rate_limit: tuple[int, float] | None = (200, 60),
        feature_level: int = 372,
        longpoll_timeout: float = 90.0,
        heartbeat_interval: tuple[float, float] = (45.0, 55.0),
        realm_read_receipts: bool = True,
        *,
        hide_emails: bool = False,
        queue_gc_interval: float = 60.0,
    ) -> None:
        if heartbeat_interval[0] <= 0 or heartbeat_interval[1] < heartbeat_interval[0]:
            raise ValueError("heartbeat_interval must be (low, high) with 0 < low <= high")
        self.feature_level = feature_level
        self.longpoll_timeout = longpoll_timeout
        self.heartbeat_interval = heartbeat_interval
        self.queue_gc_interval = queue_gc_interval
        self.stopping = False
        self._limiter = RateLimiter(*rate_limit) if rate_limit is not None else None
        super().__init__()
        self.state = RealmState(self.lock, realm_read_receipts, hide_emails=hide_emails)
        self._gc_stop = threading.Event()
        self._gc_thread: threading.Thread | None = None

    # -- routes -------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        api, tornado = self._api, self._api_tornado
        user_id, msg_id, stream_id = (
            ID.format("user_id"),
            ID.format("message_id"),
            ID.format("stream_id"),
        )
        return [
            Route("GET", f"{V1}/server_settings", self._api(us.server_settings, auth=False)),
            Route("POST", f"{V1}/register", api(ev.register)),
            Route("GET", f"{V1}/events", tornado(ev.get_events)),
            Route("DELETE", f"{V1}/events", tornado(ev.delete_events)),
            Route("GET", f"{V1}/messages", api(msg.get_messages)),
            Route("POST", f"{V1}/messages", api(msg.send_message)),
            Route("GET", f"{V1}/messages/{msg_id}", api(msg.get_message)),
            Route(
                "GET",
                f"{V1}/messages/{msg_id}/read_receipts",
                self._api(msg.read_receipts, min_level=137),
            ),
            Route("POST", f"{V1}/messages/flags", api(fl.update_message_flags)),
            Route(
                "POST",
                f"{V1}/messages/flags/narrow",
                self._api(fl.update_message_flags_for_narrow, min_level=155),
            ),
            Route("POST", f"{V1}/mark_all_as_read", api(fl.mark_all_as_read)),
            Route("POST", f"{V1}/mark_stream_as_read", api(fl.mark_stream_as_read)),
            Route("POST", f"{V1}/mark_topic_as_read", api(fl.mark_topic_as_read)),
            Route("GET", f"{V1}/users", api(us.get_users)),
            Route("GET", f"{V1}/users/me", api(us.get_me)),
            Route("GET", f"{V1}/users/me/subscriptions", api(ch.get_subscriptions)),
            Route("POST", f"{V1}/users/me/muted_users/{user_id}", api(us.mute_user)),
            Route("DELETE", f"{V1}/users/me/muted_users/{user_id}", api(us.unmute_user)),
            Route("GET", f"{V1}/users/{user_id}", api(us.get_user)),
            Route("DELETE", f"{V1}/users/{user_id}", api(us.deactivate_user)),
            Route("POST", f"{V1}/users/{user_id}/reactivate", api(us.reactivate_user)),
            Route("GET", f"{V1}/users/(?P<email>[^/]+@[^/]+)", api(us.get_user_by_email)),
            Route("PATCH", f"{V1}/settings", api(us.patch_settings)),
            Route("PATCH", f"{V1}/settings/notifications", api(us.patch_settings)),
            Route("PATCH", f"{V1}/settings/display", api(us.patch_settings)),
            Route("PATCH", f"{V1}/realm", api(us.patch_realm)),
            Route("GET", f"{V1}/streams", api(ch.get_streams)),
            Route("GET", f"{V1}/streams/{stream_id}", api(ch.get_stream)),
            Route("GET", f"{V1}/streams/{stream_id}/members", api(ch.get_subscribers)),
            Route("GET", f"{V1}/get_stream_id", api(ch.get_stream_id)),
            Route("POST", f"{V1}/user_uploads", self._api(upload_file, limited=False)),
            Route(
                "GET",
                r"/user_uploads/(?P<realm_id>\d+)/(?P<path>.+)",
                lambda request: serve_file(self, request),
            ),
            *control_routes(self),
        ]

    def _api_tornado(self, handler: ApiHandler) -> Callable[[Request], Response]:
        return self._api(handler, tornado=True)

    def _api(
        self,
        handler: ApiHandler,
        *,
        auth: bool = True,
        tornado: bool = False,
        min_level: int = 0,
        limited: bool = True,
    ) -> Callable[[Request], Response]:
        def serve(request: Request) -> Response:
            if self.feature_level < min_level:
                return html_not_found(request.path)  # the endpoint did not exist yet
            with self.lock:
                user: ZUser | None = None
                if auth:
                    try:
                        user = authenticate(self.state, request)
                    except ZulipError as error:
                        return error.response()
                    request.user = user.email
                decision = None
                if user is not None and limited and self._limiter is not None:
                    limiter = self._limiter
                    key = str(user.id)
                    decision = limiter.hit_tornado(key) if tornado else limiter.hit(key)
                    if decision.limited:
                        return decision.error().response()
                try:
                    response = handler(self, request, user)
                except ZulipError as error:
                    response = error.response()
                if decision is not None:
                    response.headers.update(decision.headers())
                return response

        return serve

    def not_found(self, request: Request) -> Response:
        return html_not_found(request.path)

    def method_not_allowed(self, request: Request, allowed: list[str]) -> Response:
        methods = list(dict.fromkeys(allowed))
        if "GET" in methods:
            methods.append("HEAD")
        body = {"result": "error", "msg": "Method Not Allowed", "allowed_methods": methods}
        return Response.json(body, status=405, content_type="text/html; charset=utf-8")

    @staticmethod
    def client_name(request: Request) -> str:
        """The message's ``client``: a ``client`` parameter, else the User-Agent's name."""
        explicit = request.form().get("client")
        if explicit:
            return explicit
        agent = request.header("user-agent")
        if not agent:
            return "Unspecified"
        return agent.split("/", 1)[0].split(" ", 1)[0] or "Unparsable"

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self, port: int = 0, host: str = "127.0.0.1") -> LocalZulip:
        self.stopping = False
        super().start(port, host)
        self.state.base_url = self.url
        self._gc_stop.clear()
        self._gc_thread = threading.Thread(target=self._gc_loop, name="LocalZulip-gc", daemon=True)
        self._gc_thread.start()
        return self

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            self.state.hub.wake_all()
        self._gc_stop.set()
        if self._gc_thread is not None:
            self._gc_thread.join(timeout=5)
            self._gc_thread = None
        super().stop()

    def __enter__(self) -> LocalZulip:
        return self if self._httpd is not None else self.start()

    def _gc_loop(self) -> None:
        """Delete queues nobody polled for ``queue_lifespan_secs`` (Tornado: every 60 s)."""
        while not self._gc_stop.wait(self.queue_gc_interval):
            self.collect_expired_queues()

    def collect_expired_queues(self) -> int:
        with self.lock:
            return self.state.hub.gc(time.monotonic())
