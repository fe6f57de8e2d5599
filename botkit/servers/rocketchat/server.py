"""LocalRocketChat: the local Rocket.Chat server and its Python API for tests and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal, Self

from .._http import LocalServer, Request, Response, Route
from . import (
    api_auth,
    api_chat,
    api_history,
    api_receipts,
    api_rooms,
    api_settings,
    api_subscriptions,
    api_uploads,
)
from .app import api_routes, not_found_response
from .control import control_routes
from .errors import ApiError
from .messaging import store_message
from .model import Message, RcUser
from .ratelimit import RateLimiter
from .reading import Reader
from .serialize import message_json, subscription_json
from .state import RcSettings, RcState, UserRef
from .util import ms_to_datetime

__all__ = ["LocalRocketChat"]

_SECRET_FIELDS = {"password", "resume", "code", "totp"}

ENDPOINTS = [
    *api_auth.ENDPOINTS,
    *api_subscriptions.ENDPOINTS,
    *api_rooms.ENDPOINTS,
    *api_history.ENDPOINTS,
    *api_chat.ENDPOINTS,
    *api_receipts.ENDPOINTS,
    *api_settings.ENDPOINTS,
    *api_uploads.ENDPOINTS,
]


class LocalRocketChat(api_uploads.UploadsMixin, LocalServer):
    """A Rocket.Chat 8.x look-alike over real HTTP on 127.0.0.1 (see the module README section).

    Methods taking a user accept the user object, its id or its username.
    """

    poll_interval = 0.05  # stop() returns quickly: tests start and stop many servers

    def __init__(
        self,
        rate_limit: tuple[int, float] | None = (10, 60),
        *,
        read_receipts: bool = True,
        store_users: bool = True,
        licence: bool = True,
        version: str = "8.8.1",
        bypass_roles: Iterable[str] = ("bot", "admin", "app"),
        max_message_size: int = 5000,
        flag_clear_delay: float = 0.0,
    ) -> None:
        settings = RcSettings(
            read_receipts=read_receipts,
            store_users=store_users,
            licence=licence,
            version=version,
            max_message_size=max_message_size,
            flag_clear_delay=flag_clear_delay,
        )
        self.state = RcState(settings)
        self.bypass_roles = frozenset(bypass_roles)
        self.limiter = RateLimiter(*(rate_limit or (None, 60)))
        self._429s = 0
        super().__init__()  # builds the routes, which need the state above
        self.reader = Reader(self.state, self.lock)

    # -- HTTP -----------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        download = Route(
            "GET",
            r"/file-upload/(?P<file_id>[^/]+)/(?P<name>[^/]+)",
            lambda request: api_uploads.serve_upload(self, request),
        )
        return [*api_routes(self, ENDPOINTS), download, *control_routes(self)]

    def not_found(self, request: Request) -> Response:
        return not_found_response()

    def method_not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return not_found_response()

    def start(self, port: int = 0, host: str = "127.0.0.1") -> Self:
        super().start(port, host)
        return self

    def __enter__(self) -> Self:
        return self if self._httpd is not None else self.start()

    def stop(self) -> None:
        super().stop()
        with self.lock:
            self.reader.stop()

    def _log(self, request: Request, status: int) -> None:
        """Log like the base, minus secrets: login bodies carry passwords and resume tokens."""
        body = request.json() if request.path == "/api/v1/login" else None
        if isinstance(body, dict):
            redacted = {k: ("<redacted>" if k in _SECRET_FIELDS else v) for k, v in body.items()}
            request = replace(request, body=json.dumps(redacted).encode())
        super()._log(request, status)

    def note_429(self) -> None:
        self._429s += 1

    # -- people and rooms -------------------------------------------------------------------
    def user(self, ref: UserRef) -> RcUser:
        with self.lock:
            return self.state.user(ref)

    def create_user(
        self,
        username: str,
        name: str | None = None,
        password: str | None = None,
        roles: Iterable[str] = ("user",),
        email: str | None = None,
    ) -> RcUser:
        with self.lock:
            return self.state.create_user(
                username, name=name, password=password, roles=roles, email=email
            )

    def create_room(
        self,
        name: str,
        type: Literal["c", "p"] = "c",
        members: Iterable[UserRef] = (),
        creator: UserRef | None = None,
    ) -> str:
        with self.lock:
            return self.state.create_room(name, type, members, creator).id

    def create_dm(self, a: UserRef, b: UserRef) -> str:
        with self.lock:
            return self.state.create_dm(a, b).id

    def add_member(self, rid: str, user: UserRef) -> None:
        with self.lock:
            self.state.add_member(self.state.room(rid), self.state.user(user))

    def remove_member(self, rid: str, user: UserRef) -> None:
        with self.lock:
            self.state.remove_member(self.state.room(rid), self.state.user(user))

    def deactivate(self, user: UserRef) -> None:
        with self.lock:
            self.state.deactivate(self.state.user(user))

    def create_token(self, user: UserRef) -> str:
        """A personal access token for ``user`` (use with X-User-Id / X-Auth-Token)."""
        with self.lock:
            return self.state.add_token(self.state.user(user), "pat")

    # -- messages and reads -----------------------------------------------------------------
    def send_message(
        self, sender: UserRef, rid: str, text: str, tmid: str | None = None, tshow: bool = False
    ) -> str:
        """Post as ``sender`` like chat.sendMessage: unread flag, sender receipt, threads."""
        with self.lock:
            return self._send(sender, rid, text, tmid, tshow)

    def send_many(self, messages: Iterable[Mapping[str, Any]]) -> list[str]:
        """Bulk insert under one lock: dicts with sender, rid, text and optional tmid."""
        with self.lock:
            return [
                self._send(m["sender"], m["rid"], m["text"], m.get("tmid"), m.get("tshow", False))
                for m in messages
            ]

    def _send(self, sender: UserRef, rid: str, text: str, tmid: str | None, tshow: bool) -> str:
        state = self.state
        user, room = state.user(sender), state.room(rid)
        if user.id not in room.members:
            if room.type != "c":
                raise ValueError(f"{user.username} is not a member of room {rid}")
            state.add_member(room, user)
        if len(text) > state.settings.max_message_size:
            raise ValueError(f"message longer than {state.settings.max_message_size} characters")
        if tmid is not None:
            parent = state.messages.get(tmid)
            if parent is None or parent.rid != rid:
                raise ValueError(f"no message {tmid!r} in room {rid} to reply to")
        return store_message(state, user, room, text, tmid=tmid, tshow=tshow).id

    def read_room(self, user: UserRef, rid: str, read_threads: bool = False) -> None:
        """What subscriptions.read does for ``user``."""
        with self.lock:
            _plain(lambda: self.reader.read_room(self.state.user(user), rid, read_threads))

    def read_thread(self, user: UserRef, tmid: str) -> None:
        """What chat.readThread does for ``user``."""
        with self.lock:
            _plain(lambda: self.reader.read_thread(self.state.user(user), tmid))

    # -- settings ---------------------------------------------------------------------------
    def set_settings(
        self,
        *,
        read_receipts: bool | None = None,
        store_users: bool | None = None,
        licence: bool | None = None,
        max_message_size: int | None = None,
        threads_enabled: bool | None = None,
        flag_clear_delay: float | None = None,
        version: str | None = None,
        file_upload_enabled: bool | None = None,
        max_file_size: int | None = None,
    ) -> None:
        """Change settings; None leaves a setting as it is. ``file_upload_enabled`` and
        ``max_file_size`` (bytes, -1 no limit) are FileUpload_Enabled / _MaxFileSize."""
        changes = {
            "read_receipts": read_receipts,
            "store_users": store_users,
            "licence": licence,
            "max_message_size": max_message_size,
            "threads_enabled": threads_enabled,
            "flag_clear_delay": flag_clear_delay,
            "version": version,
            "file_upload_enabled": file_upload_enabled,
            "max_file_size": max_file_size,
        }
        with self.lock:
            for name, value in changes.items():
                if value is not None:
                    setattr(self.state.settings, name, value)

    @property
    def settings(self) -> RcSettings:
        return self.state.settings

    def set_rate_limit(self, calls: int | None, window: float = 60) -> None:
        """``calls`` per ``window`` seconds per route and client IP; None turns limiting off."""
        self.limiter.configure(calls, window)

    # -- inspection -------------------------------------------------------------------------
    def receipts(self, mid: str) -> list[tuple[str, datetime]]:
        """(user id, read time) of a message's stored receipts, in insertion order."""
        with self.lock:
            message = self._message(mid)
            return [(r.user_id, ms_to_datetime(r.ts)) for r in message.receipts]

    def message(self, mid: str) -> dict[str, Any]:
        """The message as REST shows it (``unread: True`` while flagged)."""
        with self.lock:
            return message_json(self.state, self._message(mid))

    def subscription(self, user: UserRef, rid: str) -> dict[str, Any]:
        """The user's subscription to a room as REST shows it (ls, unread, alert, tunread...)."""
        with self.lock:
            found = self.state.user(user)
            sub = self.state.subs.get((found.id, rid))
            if sub is None:
                raise LookupError(f"{found.username} has no subscription to room {rid}")
            return subscription_json(self.state, sub)

    def count_429(self) -> int:
        with self.lock:
            return self._429s

    def _message(self, mid: str) -> Message:
        message = self.state.messages.get(mid)
        if message is None:
            raise LookupError(f"no message with id {mid!r}")
        return message


def _plain(action: Callable[[], None]) -> None:
    """Run a REST-level operation from Python, turning its API error into a ValueError."""
    try:
        action()
    except ApiError as error:
        raise ValueError(str(error.body.get("error"))) from None
