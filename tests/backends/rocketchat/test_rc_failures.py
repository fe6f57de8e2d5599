"""How a failed call is classified: retry, wait, or a typed error with one clear line."""

from __future__ import annotations

from typing import Any

import pytest

from botkit.backends.rocketchat.client import encode
from botkit.backends.rocketchat.failures import ApiError, Transient, error_for_status
from botkit.errors import AuthError, ServerUnavailable


def classify(status: int, body: dict[str, Any] | None = None, idempotent: bool = True) -> Any:
    return error_for_status(
        endpoint="chat.postMessage",
        status=status,
        body=body or {},
        headers={},
        idempotent=idempotent,
        server_url="https://chat.example.org",
        who="user id 'abc'",
    )


def test_401_is_one_line_naming_the_account() -> None:
    error = classify(401, {"error": "You must be logged in to do this."})
    assert isinstance(error, AuthError)
    assert "user id 'abc'" in str(error)
    assert "\n" not in str(error)


def test_429_and_5xx_are_retried() -> None:
    limited = classify(429, {"error": "You must wait 3 seconds before trying [x]"})
    assert isinstance(limited, Transient)
    assert limited.retry_after == 3.0
    assert isinstance(classify(500), Transient)


@pytest.mark.parametrize(("status", "retried"), [(500, False), (502, True), (503, True)])
def test_a_post_is_retried_only_when_it_cannot_have_been_processed(
    status: int, retried: bool
) -> None:
    error = classify(status, idempotent=False)
    assert isinstance(error, Transient if retried else ServerUnavailable)


def test_other_4xx_keep_rocket_chats_code_in_either_field() -> None:
    typed = classify(400, {"error": "Invalid message [error-invalid-message]"})
    assert isinstance(typed, ApiError)
    assert typed.has_code("error-invalid-message")
    plain = classify(400, {"error": "error-invalid-subscription"})
    assert isinstance(plain, ApiError)
    assert plain.has_code("error-invalid-subscription")
    assert not plain.has_code("error-invalid-message")


def test_get_values_are_url_encoded() -> None:
    assert encode("2026-11-22T01:00:00.000+00:00") == "2026-11-22T01%3A00%3A00.000%2B00%3A00"
    assert encode("a&b=c #d") == "a%26b%3Dc%20%23d"
