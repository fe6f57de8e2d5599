"""How long a 429 makes the bot wait."""

from __future__ import annotations

import pytest

from botkit.backends.rocketchat.ratelimit import (
    DEFAULT_WAIT,
    RateWindow,
    rate_limit_wait,
    rate_window,
)

TEXT = (
    "Error, too many requests. Please slow down. You must wait 7 seconds before trying this "
    "endpoint again. [error-too-many-requests]"
)
NOW = 1_000_000.0


def test_reset_header_is_epoch_milliseconds() -> None:
    headers = {"x-ratelimit-reset": str(int((NOW + 6.4) * 1000))}
    assert rate_limit_wait(headers, TEXT, NOW) == pytest.approx(6.4)


def test_text_wins_when_the_header_disagrees_with_it() -> None:
    skewed = {"x-ratelimit-reset": str(int((NOW + 600) * 1000))}  # clocks 10 minutes apart
    assert rate_limit_wait(skewed, TEXT, NOW) == 7.0


def test_text_alone_and_nothing_at_all() -> None:
    assert rate_limit_wait({}, TEXT, NOW) == 7.0
    assert rate_limit_wait({}, "too many requests", NOW) == DEFAULT_WAIT
    assert rate_limit_wait({"x-ratelimit-reset": "soon"}, "", NOW) == DEFAULT_WAIT


def test_a_reset_in_the_past_means_no_wait() -> None:
    headers = {"x-ratelimit-reset": str(int((NOW - 5) * 1000))}
    assert rate_limit_wait(headers, "", NOW) == 0.0


def test_the_window_from_the_headers_in_seconds() -> None:
    headers = {
        "x-ratelimit-limit": "10",
        "x-ratelimit-remaining": "4",
        "x-ratelimit-reset": str(int((NOW + 30) * 1000)),
    }
    assert rate_window(headers) == RateWindow(limit=10, remaining=4, reset_at=NOW + 30)
    assert rate_window({}) is None
    assert rate_window({"x-ratelimit-remaining": "4", "x-ratelimit-reset": "later"}) is None
