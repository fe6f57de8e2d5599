"""The REST pipeline around every endpoint: authentication, rate limiting, error envelopes and
the no-cache headers (reference page sections 4-6)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._http import Request, Response, Route
from .errors import ApiError, too_many_requests, unauthorized
from .model import RcUser
from .routing import Call, Endpoint
from .state import RcState

if TYPE_CHECKING:
    from .server import LocalRocketChat

__all__ = ["NO_CACHE", "api_routes"]

logger = logging.getLogger("botkit.servers.rocketchat")

NO_CACHE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _authenticate(state: RcState, request: Request, endpoint: Endpoint) -> RcUser | None:
    if endpoint.auth == "none":
        return None
    user_id, token = request.header("x-user-id"), request.header("x-auth-token")
    user = state.authenticate(user_id, token) if user_id and token else None
    if user is None and endpoint.auth == "required":
        raise unauthorized()
    return user


def _serve(server: LocalRocketChat, endpoint: Endpoint, request: Request) -> Response:
    headers = dict(NO_CACHE)
    try:
        with server.lock:
            caller = _authenticate(server.state, request, endpoint)
            if caller is not None:
                request.user = caller.id
            if caller is None or not server.bypass_roles & set(caller.roles):
                decision = server.limiter.hit(request.client_ip, request.method, endpoint.path)
                if decision is not None:
                    headers.update(decision.headers)
                    if not decision.allowed:
                        server.note_429()
                        raise too_many_requests(decision.wait_seconds)
            query = {k: v[-1] for k, v in request.query.items()}
            call = Call(request, server.state, server.reader, caller, query)
            payload = endpoint.handler(call)
    except ApiError as error:
        return Response.json(error.body, error.status, headers)
    except Exception:  # a bug in the fake: answer like Rocket.Chat, keep the traceback local
        logger.exception("local Rocket.Chat: %s %s failed", request.method, request.path)
        body = {"success": False, "error": "Internal server error"}
        return Response.json(body, 500, headers)
    if "success" not in payload:
        payload["success"] = True
    return Response.json(payload, 200, headers)


def api_routes(server: LocalRocketChat, endpoints: Iterable[Endpoint]) -> list[Route]:
    def bind(endpoint: Endpoint) -> Route:
        return Route(
            endpoint.method,
            endpoint.path if endpoint.regex else re.escape(endpoint.path),
            lambda request: _serve(server, endpoint, request),
        )

    return [bind(e) for e in endpoints]


def not_found_response() -> Response:
    return Response.json({"success": False, "error": "Resource not found"}, 404, dict(NO_CACHE))
