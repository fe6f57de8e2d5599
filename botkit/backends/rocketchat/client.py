"""The one door to the Rocket.Chat REST API: ``rocketchat_API.RocketChat`` made safe for asyncio.

rocketchat-API is synchronous, never retries, drops the response headers when it raises, and
joins GET parameters without URL-encoding them. This wrapper

- runs every call in a worker thread of its own pool (the event loop never blocks);
- gives the client our own ``requests.Session`` whose response hook keeps each response's headers
  (per thread), so a 429's ``X-RateLimit-Reset`` and every answer's ``Date`` survive;
- URL-encodes GET values itself (``quote``) before the client joins them;
- waits out 429s per route (``RateGate``) before the next call to that route, retries 5xx and
  connection failures with jittered exponential backoff (``Backoff``), and turns a 401 into one
  clear ``AuthError`` that never contains the token or password;
- remembers each route's last ``X-RateLimit-*`` window (``rate_window``), so long jobs can pace
  themselves instead of running into 429s.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from rocketchat_API.APIExceptions.RocketExceptions import (
    RocketApiException,
    RocketAuthenticationException,
    RocketBadStatusCodeException,
    RocketConnectionException,
)
from rocketchat_API.rocketchat import RocketChat

from botkit.backends.retry import Backoff, RateGate
from botkit.backends.rocketchat.failures import (
    ApiError,
    RetryPolicy,
    Transient,
    date_header,
    error_for_status,
    never_connected,
)
from botkit.backends.rocketchat.ratelimit import RateWindow, rate_window
from botkit.config.schema import RocketChatSection
from botkit.errors import AuthError, BackendError, ConfigError, RateLimited, ServerUnavailable

__all__ = ["ApiError", "RateWindow", "RetryPolicy", "RocketChatClient", "encode"]

log = logging.getLogger("botkit.backends.rocketchat")

T = TypeVar("T")


def encode(value: object) -> str:
    """A GET value made safe for rocketchat-API's unencoded query joining."""
    return quote(str(value), safe="")


class RocketChatClient:
    """Authenticated access to one Rocket.Chat server; see the module docstring."""

    def __init__(self, section: RocketChatSection, retry: RetryPolicy | None = None) -> None:
        if not section.server_url:
            raise ConfigError("[rocketchat] server_url is missing (e.g. https://chat.example.org)")
        if not section.server_url.startswith(("http://", "https://")):
            raise ConfigError("[rocketchat] server_url must start with http:// or https://")
        token_pair = section.user_id is not None and section.auth_token is not None
        password_pair = section.username is not None and section.password is not None
        if not (token_pair or password_pair):
            raise ConfigError(
                "[rocketchat] needs user_id + auth_token (a personal access token) "
                "or username + password"
            )
        self.server_url = section.server_url.rstrip("/")
        self._section = section
        self._retry = retry or RetryPolicy()
        self._local = threading.local()
        self._session = requests.Session()
        self._session.hooks["response"].append(self._remember_headers)
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="botkit-rocketchat")
        self._gates: dict[str, RateGate] = {}
        self._windows: dict[str, RateWindow] = {}
        self._windows_lock = threading.Lock()
        self._api: RocketChat | None = None
        self._logged_in_with_password = False
        self._closed = False

    @property
    def who(self) -> str:
        """The account, for error messages (never the secret)."""
        if self._section.username is not None:
            return f"user {self._section.username!r}"
        return f"user id {self._section.user_id!r}"

    def rate_window(self, endpoint: str) -> RateWindow | None:
        """The rate-limit window the server last reported for ``endpoint``, if it did."""
        with self._windows_lock:
            return self._windows.get(endpoint)

    # -- calls ----------------------------------------------------------------------------------
    async def login(self) -> dict[str, Any]:
        """Authenticate and return ``me``. A token costs no login request (``me`` checks it)."""
        section = self._section
        if section.auth_token is not None:
            self._api = RocketChat(
                user_id=section.user_id,
                auth_token=section.auth_token.get_secret_value(),
                server_url=self.server_url,
                session=self._session,
                timeout=section.timeout,
            )
        else:
            assert section.password is not None
            password = section.password.get_secret_value()
            self._api = await self.call(
                "login",
                lambda _: RocketChat(
                    user=section.username,
                    password=password,
                    server_url=self.server_url,
                    session=self._session,
                    timeout=section.timeout,
                ),
            )
            self._logged_in_with_password = True
        me: dict[str, Any] = await self.call("me", lambda api: api.me())
        return me

    async def get(self, endpoint: str, **params: Any) -> dict[str, Any]:
        """``GET /api/v1/<endpoint>`` with every value URL-encoded here."""
        encoded = {key: encode(value) for key, value in params.items() if value is not None}
        result, _ = await self.call_with_date(
            endpoint, lambda api: api.call_api_get(endpoint, **encoded)
        )
        return _as_dict(endpoint, result)

    async def get_with_date(
        self, endpoint: str, **params: Any
    ) -> tuple[dict[str, Any], datetime | None]:
        """Like ``get``, plus the server's clock from the answer's ``Date`` header."""
        encoded = {key: encode(value) for key, value in params.items() if value is not None}
        result, date = await self.call_with_date(
            endpoint, lambda api: api.call_api_get(endpoint, **encoded)
        )
        return _as_dict(endpoint, result), date

    async def call(
        self, endpoint: str, fn: Callable[[RocketChat], T], idempotent: bool = True
    ) -> T:
        result, _ = await self.call_with_date(endpoint, fn, idempotent)
        return result

    async def call_with_date(
        self, endpoint: str, fn: Callable[[RocketChat], T], idempotent: bool = True
    ) -> tuple[T, datetime | None]:
        """Run ``fn(api)`` in a worker thread with rate-limit waits and retries.

        ``idempotent=False`` (posting a message) retries only what cannot have been processed: a
        429, a 502/503/504 or a connection that was never established.
        """
        if self._closed:
            raise ServerUnavailable("the Rocket.Chat client is closed")
        gate = self._gates.setdefault(endpoint, RateGate())
        backoff = Backoff(self._retry.backoff_base, self._retry.backoff_cap)
        failures = waits = 0
        loop = asyncio.get_running_loop()
        for _ in range(self._retry.attempts + self._retry.rate_limit_waits + 1):
            await _sleep_until_open(gate)
            try:
                return await loop.run_in_executor(
                    self._executor, self._attempt, endpoint, fn, idempotent
                )
            except Transient as problem:
                if problem.retry_after is not None:
                    waits += 1
                    if waits > self._retry.rate_limit_waits:
                        raise RateLimited(problem.retry_after, f"Rocket.Chat {endpoint}") from None
                    held = gate.hold(problem.retry_after)
                    log.warning("Rocket.Chat %s: rate limited, waiting %.1fs", endpoint, held)
                    continue
                failures += 1
                if failures >= self._retry.attempts:
                    raise ServerUnavailable(
                        f"Rocket.Chat at {self.server_url} did not answer {endpoint} after "
                        f"{failures} attempts: {problem.reason}"
                    ) from None
                delay = backoff.next_delay()
                log.warning(
                    "Rocket.Chat %s failed (%s); retrying in %.1fs", endpoint, problem.reason, delay
                )
                await asyncio.sleep(delay)
        raise ServerUnavailable(f"Rocket.Chat {endpoint}: gave up after repeated failures")

    def _attempt(
        self, endpoint: str, fn: Callable[[RocketChat], T], idempotent: bool
    ) -> tuple[T, datetime | None]:
        """One try, in a worker thread: the result, or a typed error / ``Transient``."""
        self._local.headers = {}
        try:
            return self._attempt_once(endpoint, fn, idempotent)
        finally:
            window = rate_window(self._local.headers)
            if window is not None:
                with self._windows_lock:
                    self._windows[endpoint] = window

    def _attempt_once(
        self, endpoint: str, fn: Callable[[RocketChat], T], idempotent: bool
    ) -> tuple[T, datetime | None]:
        api = self._api
        try:
            if api is None and endpoint != "login":
                raise ServerUnavailable("the Rocket.Chat client is not logged in")
            result = fn(api)  # api is None only for "login", whose fn ignores it
        except RocketApiException as exc:
            raise self._error(endpoint, exc.status_code, exc.response_json, idempotent) from None
        except RocketBadStatusCodeException as exc:
            raise self._error(endpoint, exc.status_code, exc.response_json, idempotent) from None
        except RocketAuthenticationException:
            raise AuthError(
                f"Rocket.Chat at {self.server_url} refused the login of {self.who}: wrong "
                "username or password, or the account is deactivated"
            ) from None
        except RocketConnectionException:  # login answered neither 200 nor 401
            status = int(self._local.headers.get("status", "502"))
            raise self._error(endpoint, status, None, True) from None
        except requests.ConnectionError as exc:
            if idempotent or never_connected(exc):
                raise Transient(f"connection failed: {type(exc).__name__}") from None
            raise ServerUnavailable(
                f"Rocket.Chat {endpoint}: the connection was lost after sending; not retried "
                "because the request may have been processed"
            ) from None
        except requests.Timeout:
            if idempotent:
                raise Transient(f"no answer within {self._section.timeout:g}s") from None
            raise ServerUnavailable(
                f"Rocket.Chat {endpoint}: no answer within {self._section.timeout:g}s"
            ) from None
        return result, date_header(self._local.headers)

    def _error(self, endpoint: str, status: int, body: Any, idempotent: bool) -> Exception:
        return error_for_status(
            endpoint=endpoint,
            status=status,
            body=body if isinstance(body, dict) else {},
            headers=self._local.headers,
            idempotent=idempotent,
            server_url=self.server_url,
            who=self.who,
        )

    def _remember_headers(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        headers = {key.lower(): value for key, value in response.headers.items()}
        headers["status"] = str(response.status_code)
        self._local.headers = headers

    async def close(self) -> None:
        """Log out a password session (a personal access token stays valid) and stop threads."""
        if self._closed:
            return
        if self._logged_in_with_password and self._api is not None:
            try:
                await self.call("logout", lambda api: api.logout())
            except BackendError as exc:
                log.debug("Rocket.Chat logout failed: %s", exc)
        self._closed = True
        await asyncio.to_thread(self._executor.shutdown, True, cancel_futures=True)
        self._session.close()


async def _sleep_until_open(gate: RateGate) -> None:
    # the gate's own wait() would block a worker thread: sleep on the loop instead
    for _ in range(1000):
        delay = gate.remaining()
        if delay <= 0:
            return
        await asyncio.sleep(delay)


def _as_dict(endpoint: str, result: Any) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise ServerUnavailable(f"Rocket.Chat {endpoint} answered something that is not JSON")
    return result
