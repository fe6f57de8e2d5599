"""Rocket.Chat's error envelopes (reference page section 6), raised by handlers as ApiError."""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApiError",
    "failure",
    "forbidden",
    "invalid_params",
    "meteor_error",
    "not_found",
    "too_many_requests",
    "typed_invalid_params",
    "unauthorized",
]

LOGIN_REQUIRED = "You must be logged in to do this."


class ApiError(Exception):
    """An error answer: the HTTP status and the exact JSON body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('error') or body.get('message')}")
        self.status = status
        self.body = body


def meteor_error(code: str, reason: str = "", details: dict[str, Any] | None = None) -> ApiError:
    """A thrown ``Meteor.Error(code, reason, details)``: 400 with ``"<reason> [<code>]"`` (just
    ``"[<code>]"`` without a reason)."""
    text = f"{reason} [{code}]" if reason else f"[{code}]"
    body: dict[str, Any] = {"success": False, "error": text, "errorType": code}
    if details:
        body["details"] = details
    return ApiError(400, body)


def failure(message: str, status: int = 400) -> ApiError:
    """``API.v1.failure("text")`` or a plain ``Error(msg)``: no errorType."""
    return ApiError(status, {"success": False, "error": message})


def invalid_params(messages: list[str]) -> ApiError:
    """A legacy ``validateParams`` route's schema failure."""
    text = "\n ".join(messages)
    return ApiError(
        400, {"success": False, "error": f"{text} [invalid-params]", "errorType": "invalid-params"}
    )


def typed_invalid_params(messages: list[str]) -> ApiError:
    """A typed route's (router-validated) schema failure."""
    return ApiError(
        400,
        {"success": False, "errorType": "error-invalid-params", "error": "\n ".join(messages)},
    )


def unauthorized() -> ApiError:
    """Missing or bad credentials: the 7.x/8.x combined 4-key body."""
    return ApiError(
        401,
        {"success": False, "error": LOGIN_REQUIRED, "status": "error", "message": LOGIN_REQUIRED},
    )


def forbidden(message: str = "unauthorized") -> ApiError:
    return ApiError(403, {"success": False, "error": message})


def not_found() -> ApiError:
    return ApiError(404, {"success": False, "error": "Resource not found"})


def too_many_requests(seconds: int) -> ApiError:
    return ApiError(
        429,
        {
            "success": False,
            "error": "Error, too many requests. Please slow down. You must wait "
            f"{seconds} seconds before trying this endpoint again. [error-too-many-requests]",
        },
    )
