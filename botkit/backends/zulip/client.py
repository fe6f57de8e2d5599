"""The ``zulip.Client`` wrapper: every call off the event loop, and every failure handled here.

- The official client is synchronous (``requests``): every call runs in a worker thread
  (``threads.Workers``).
- The client is built with ``retry_on_errors=False``: its own 5xx / connection retries (10 tries
  1 s apart, adding ``dont_block``) are off, so the backoff below decides.
- 429: the shared ``RateGate`` is held for the ``retry-after`` the server gave (plus jitter), and
  no call of this backend starts before it opens again.
- 5xx, dropped connections and timeouts: exponential backoff with jitter, capped, then
  ``ServerUnavailable``. A call made ``at_most_once`` (posting a message) is only sent again when
  the server surely did not act on it (``failures``); otherwise ``OutcomeUnknown``.
- Every response's ``X-RateLimit-*`` headers are kept in ``rate_limits`` (``ratelimits``).
- 401: ``AuthError`` with one line naming the account and the server (never the key).
- 404 / 405: the server has no such endpoint; never retried, a ``ZulipRequestError`` at once.
- Other refusals come back as ``ZulipRequestError`` carrying Zulip's ``code`` and ``msg``.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
import zulip

from botkit.backends.retry import Backoff, RateGate
from botkit.backends.zulip.construct import ServerSettingsRefused, build_client
from botkit.backends.zulip.failures import (
    MISSING_ENDPOINT_STATUSES,
    RESENDABLE_STATUSES,
    OutcomeUnknown,
    describe,
    missing_endpoint,
    never_reached_server,
)
from botkit.backends.zulip.ratelimits import RateLimitHeaders
from botkit.backends.zulip.threads import Workers
from botkit.config.schema import ZulipSection
from botkit.errors import AuthError, BackendError, ConfigError, RateLimited, ServerUnavailable

__all__ = ["RetryPolicy", "ZulipApi", "ZulipRequestError"]

log = logging.getLogger("botkit.backends.zulip")

JSON = dict[str, Any]
T = TypeVar("T")

_AUTH_CODES = frozenset(
    {"UNAUTHORIZED", "INVALID_API_KEY", "USER_DEACTIVATED", "REALM_DEACTIVATED"}
)
_TRANSIENT = (requests.RequestException, zulip.UnrecoverableNetworkError)


class ZulipRequestError(BackendError):
    """Zulip refused a request (not 401 / 429 / 5xx): ``code`` and ``msg`` as the server said."""

    def __init__(self, method: str, path: str, result: Mapping[str, Any]) -> None:
        self.code = str(result.get("code") or "")
        self.msg = str(result.get("msg") or "unexpected answer")
        self.result = dict(result)
        super().__init__(f"Zulip refused {method} /api/v1/{path}: {self.msg}")


@dataclass(frozen=True)
class RetryPolicy:
    #: Tries per call on 5xx and connection failures before ``ServerUnavailable``.
    attempts: int = 8
    #: 429 answers waited out per call before ``RateLimited``.
    rate_limited_attempts: int = 50
    backoff_base: float = 0.5
    backoff_cap: float = 30.0


class ZulipApi:
    """Async calls to one Zulip account through the official client."""

    def __init__(
        self,
        section: ZulipSection,
        *,
        gate: RateGate | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._section = section
        self.gate = gate or RateGate()
        self.retry = retry or RetryPolicy()
        self._client: Any = None
        self._local = threading.local()
        self.workers = Workers("botkit-zulip-call")
        self.rate_limits = RateLimitHeaders()
        self.email = section.email or "the zuliprc account"
        self.site = (section.site or "").rstrip("/")
        self.feature_level = 0
        self.zulip_version = ""

    # -- set-up ------------------------------------------------------------------------------
    async def open(self) -> None:
        """Build the client (its constructor already calls the server), with the same retries."""
        backoff = self._backoff()
        failures = limited = 0
        while True:
            await self._wait_gate()
            try:
                client = await self.in_thread(lambda: build_client(self._section))
            except ServerSettingsRefused as exc:
                if exc.result.get("code") == "RATE_LIMIT_HIT" or exc.status == 429:
                    limited = self._rate_limited(exc.result, limited, hold=True)
                    continue
                if exc.not_zulip:
                    answer = f"HTTP {exc.status}" if exc.status else "no Zulip answer"
                    raise ConfigError(
                        f"{self.site or 'the [zulip] site'} does not answer like a Zulip server "
                        f"(GET /api/v1/server_settings: {answer}); check [zulip] site"
                    ) from None
                failures = await self._transient(backoff, failures, f"server said {exc}")
                continue
            except _TRANSIENT as exc:
                failures = await self._transient(backoff, failures, describe(exc))
                continue
            break
        client.ensure_session()
        client.session.hooks["response"].append(self._remember_response)
        self._client = client
        self.email = str(client.email)
        self.site = str(client.base_url).removesuffix("/").removesuffix("/api")
        self.feature_level = int(client.feature_level or 0)
        self.zulip_version = str(client.zulip_version or "")

    # -- calls -------------------------------------------------------------------------------
    async def call(
        self,
        path: str,
        method: str = "GET",
        request: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        longpoll: bool = False,
        at_most_once: bool = False,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> JSON:
        """One API call, waited out through 429s and retried through 5xx / connection failures.
        A long-poll whose client-side timeout passes answers ``{"events": []}``. With
        ``at_most_once`` it is sent again only when the server surely did not act on it.
        ``files`` ((name, bytes) pairs) go as a multipart body, as ``upload_file`` sends them."""
        if self._client is None:
            raise BackendError("the Zulip backend is not connected")
        payload = {k: v for k, v in (request or {}).items() if v is not None}
        backoff = self._backoff()
        failures = limited = 0
        while True:
            await self._wait_gate()
            try:
                result, status = await self.in_thread(
                    lambda: self._call_sync(path, method, payload, timeout, files)
                )
            except requests.Timeout as exc:
                if longpoll:
                    return {"result": "success", "msg": "", "events": []}
                self._check_resendable(at_most_once, method, path, exc)
                failures = await self._transient(backoff, failures, describe(exc))
                continue
            except _TRANSIENT as exc:
                self._check_resendable(at_most_once, method, path, exc)
                failures = await self._transient(backoff, failures, describe(exc))
                continue
            if result.get("result") == "success":
                return result
            code = result.get("code")
            if status == 429 or code == "RATE_LIMIT_HIT":
                limited = self._rate_limited(result, limited, hold=False)  # held in thread
            elif status == 401 or code in _AUTH_CODES:
                raise AuthError(
                    f"Zulip rejected the bot's credentials for {self.email} at {self.site}: "
                    f"{result.get('msg') or 'unauthorized'}"
                )
            elif status in MISSING_ENDPOINT_STATUSES:
                raise ZulipRequestError(method, path, missing_endpoint(result, status))
            elif (status or 0) >= 500 or result.get("result") == "http-error":
                problem = f"{method} /api/v1/{path} answered HTTP {status or '?'}"
                if at_most_once and status not in RESENDABLE_STATUSES:
                    raise OutcomeUnknown(self._unknown_outcome(problem))
                failures = await self._transient(backoff, failures, problem)
            else:
                raise ZulipRequestError(method, path, result)

    async def call_once(self, path: str, method: str, request: Mapping[str, Any]) -> bool:
        """Best effort, no retries and no waiting (used at close): True on success."""
        if self._client is None or self.gate.remaining() > 0:
            return False
        try:
            result, _ = await self.in_thread(
                lambda: self._call_sync(path, method, dict(request), 2.0)
            )
        except _TRANSIENT:
            return False
        return bool(result.get("result") == "success")

    def _call_sync(
        self,
        path: str,
        method: str,
        request: JSON,
        timeout: float | None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> tuple[JSON, int | None]:
        # checked again in this thread: a 429 may have come in since the loop looked
        self.gate.wait()
        self._local.status = None
        self._local.held = False
        result = self._client.call_endpoint(
            path,
            method=method,
            request=request,
            files=[_named_file(name, data) for name, data in files] or None,
            timeout=timeout or self._section.timeout,
        )
        status: int | None = getattr(self._local, "status", None)
        if not isinstance(result, dict):
            result = {"result": "error"}
        limited = status == 429 or result.get("code") == "RATE_LIMIT_HIT"
        if limited and not getattr(self._local, "held", False):
            self.gate.hold(_retry_after(result))  # no Retry-After header: the body's value
        return result, status

    def _check_resendable(
        self, at_most_once: bool, method: str, path: str, exc: BaseException
    ) -> None:
        """Raise ``OutcomeUnknown`` when an at-most-once call failed after it may have arrived."""
        if at_most_once and not never_reached_server(exc):
            problem = f"{method} /api/v1/{path}: {describe(exc)}"
            raise OutcomeUnknown(self._unknown_outcome(problem)) from None

    def _unknown_outcome(self, problem: str) -> str:
        return (
            f"Zulip at {self.site}: {problem} after the request was sent; the server may have "
            "carried it out, so it is not sent again"
        )

    def _remember_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        # the client hides HTTP statuses and headers; the session hook keeps the last status for
        # this thread and the rate-limit headers for everyone
        self._local.status = response.status_code
        self.rate_limits.record(response.url, response.headers)
        header = response.headers.get("Retry-After")
        if response.status_code == 429 and header is not None:
            # the earliest moment: before the answer is even parsed, no call may start
            self.gate.hold(_retry_after({"retry-after": header}))
            self._local.held = True

    # -- waiting -----------------------------------------------------------------------------
    def _backoff(self) -> Backoff:
        return Backoff(base=self.retry.backoff_base, cap=self.retry.backoff_cap)

    async def _wait_gate(self) -> None:
        for _ in range(1000):
            delay = self.gate.remaining()
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    def _rate_limited(self, result: Mapping[str, Any], limited: int, *, hold: bool) -> int:
        retry_after = _retry_after(result)
        if limited + 1 > self.retry.rate_limited_attempts:
            raise RateLimited(retry_after, f"Zulip at {self.site} keeps answering 429")
        if hold:
            self.gate.hold(retry_after)
        log.warning("Zulip rate limit hit: no call for %.2fs (retry-after)", retry_after)
        return limited + 1

    async def _transient(self, backoff: Backoff, failures: int, problem: str) -> int:
        failures += 1
        if failures >= self.retry.attempts:
            raise ServerUnavailable(
                f"Zulip at {self.site or 'the configured site'} is unavailable: {problem} "
                f"({failures} attempts)"
            )
        delay = backoff.next_delay()
        log.warning("Zulip call failed (%s); retrying in %.1fs", problem, delay)
        await asyncio.sleep(delay)
        return failures

    # -- threads -----------------------------------------------------------------------------
    async def in_thread(self, fn: Callable[[], T]) -> T:
        return await self.workers.run(fn)

    async def wait_idle(self, timeout: float) -> bool:
        return await self.workers.wait_idle(timeout)

    def close(self) -> None:
        if self._client is not None and self._client.session is not None:
            self._client.session.close()


def _named_file(name: str, data: bytes) -> io.BytesIO:
    """A fresh file object per attempt: the client names the upload after ``file.name``."""
    file = io.BytesIO(data)
    file.name = name
    return file


def _retry_after(result: Mapping[str, Any]) -> float:
    try:
        return max(0.0, float(result.get("retry-after", 1.0)))
    except (TypeError, ValueError):
        return 1.0
