"""The REST rate limiter: 429 body and headers, per route, bypass roles, configuration."""

from __future__ import annotations

import time

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException


@pytest.fixture
def limited(server):
    server.set_rate_limit(3, 60)
    return server


def test_429_body_and_headers(limited, org, raw):
    answers = [raw.get("/api/v1/me", org.alice) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a.headers["X-RateLimit-Limit"] == "3" for a in answers)
    blocked = answers[-1]
    reset = int(blocked.headers["X-RateLimit-Reset"])
    now_ms = time.time() * 1000
    assert now_ms < reset <= now_ms + 60_000  # absolute epoch milliseconds
    assert "Retry-After" not in blocked.headers
    assert blocked.json() == {
        "success": False,
        "error": "Error, too many requests. Please slow down. You must wait 60 seconds before "
        "trying this endpoint again. [error-too-many-requests]",
    }
    assert limited.count_429() == 1


def test_client_raises_api_exception_on_429(limited, org, client):
    alice = client(org.alice)
    for _ in range(3):
        alice.me()
    with pytest.raises(RocketApiException) as caught:
        alice.me()
    assert caught.value.status_code == 429


def test_limit_is_per_route_and_method(limited, org, raw):
    for _ in range(3):
        raw.get("/api/v1/me", org.alice)
    assert raw.get("/api/v1/me", org.alice).status_code == 429
    assert raw.get("/api/v1/subscriptions.get", org.alice).status_code == 200


def test_limit_is_per_ip_not_per_user(limited, org, raw):
    for user in (org.alice, org.bob, org.carol):
        assert raw.get("/api/v1/me", user).status_code == 200
    assert raw.get("/api/v1/me", org.alice).status_code == 429


@pytest.mark.parametrize("role", ["bot", "admin", "app"])
def test_bypass_roles_are_not_limited_and_get_no_headers(limited, raw, role):
    user = limited.create_user(f"privileged-{role}", roles=(role,))
    answers = [raw.get("/api/v1/me", user) for _ in range(6)]
    assert {a.status_code for a in answers} == {200}
    assert "X-RateLimit-Limit" not in answers[0].headers


def test_window_expiry_and_wait_rounding(server, org, raw):
    server.set_rate_limit(1, 0.3)
    assert raw.get("/api/v1/me", org.alice).status_code == 200
    blocked = raw.get("/api/v1/me", org.alice)
    assert blocked.status_code == 429
    assert "You must wait 1 seconds" in blocked.json()["error"]  # 0.3 s rounded up
    deadline = time.monotonic() + 5
    while raw.get("/api/v1/me", org.alice).status_code == 429:
        assert time.monotonic() < deadline, "the window never reset"
        time.sleep(0.05)


def test_default_is_ten_per_minute_and_off_switch(org, raw, server):
    server.set_rate_limit(10, 60)
    codes = [raw.get("/api/v1/me", org.alice).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    server.set_rate_limit(None)
    answer = raw.get("/api/v1/me", org.alice)
    assert answer.status_code == 200
    assert "X-RateLimit-Limit" not in answer.headers


def test_unauthenticated_login_is_limited_by_ip(limited, org, raw):
    body = {"username": "alice", "password": "alice-pw"}
    codes = [raw.post("/api/v1/login", body).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
