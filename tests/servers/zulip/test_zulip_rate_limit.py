"""Per-user rate limiting: 429 body and headers, sliding window, the separate /events bucket."""

from __future__ import annotations

import re
import time

import pytest
import requests

from botkit.servers.zulip import LocalZulip


@pytest.fixture
def limited():
    server = LocalZulip(rate_limit=(5, 1.0), longpoll_timeout=2)
    server.start()
    yield server
    server.stop()


def call(session: requests.Session, server: LocalZulip, user, path="users/me", method="GET"):
    return session.request(method, f"{server.url}/api/v1/{path}", auth=(user.email, user.api_key))


def test_429_body_and_headers(limited, raw):
    user = limited.create_user("Cordelia, Lear's daughter")
    first = call(raw, limited, user)
    assert first.headers["X-RateLimit-Limit"] == "5"
    assert first.headers["X-RateLimit-Remaining"] == "4"
    assert abs(int(first.headers["X-RateLimit-Reset"]) - time.time()) <= 2
    for _ in range(4):
        last = call(raw, limited, user)
    assert last.headers["X-RateLimit-Remaining"] == "0"
    refused = call(raw, limited, user)
    assert refused.status_code == 429
    body = refused.json()
    assert body["result"] == "error"
    assert body["msg"] == "API usage exceeded rate limit"
    assert body["code"] == "RATE_LIMIT_HIT"
    assert isinstance(body["retry-after"], float)
    assert 0 < body["retry-after"] <= 1
    assert re.fullmatch(r"\d+\.\d+", refused.headers["Retry-After"])
    assert float(refused.headers["Retry-After"]) == pytest.approx(body["retry-after"], abs=0.05)
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert limited.count_429() == 1


def test_window_slides(limited, raw):
    user = limited.create_user("Cordelia, Lear's daughter")
    for _ in range(3):
        call(raw, limited, user)
    time.sleep(0.6)
    call(raw, limited, user)
    call(raw, limited, user)
    retry = call(raw, limited, user).json()["retry-after"]
    time.sleep(retry + 0.05)
    again = call(raw, limited, user)
    assert again.status_code == 200
    # Only the oldest calls left the window: not the whole budget is back.
    assert int(again.headers["X-RateLimit-Remaining"]) < 4


def test_events_have_their_own_bucket_and_401_has_no_headers(limited, raw):
    user = limited.create_user("Cordelia, Lear's daughter")
    for _ in range(6):
        call(raw, limited, user)
    assert call(raw, limited, user).status_code == 429
    events = raw.get(
        f"{limited.url}/api/v1/events",
        params={"queue_id": "1700000000:0", "last_event_id": -1, "dont_block": "true"},
        auth=(user.email, user.api_key),
    )
    assert events.json()["code"] == "BAD_EVENT_QUEUE_ID"
    assert "X-RateLimit-Remaining" in events.headers
    assert call(raw, limited, user, "register", "POST").status_code == 429
    anonymous = raw.get(f"{limited.url}/api/v1/users/me")
    assert anonymous.status_code == 401
    assert not any(h.startswith("X-RateLimit") for h in anonymous.headers)
    settings = raw.get(f"{limited.url}/api/v1/server_settings")
    assert settings.status_code == 200
    assert "X-RateLimit-Limit" not in settings.headers


def test_off_when_none_and_switchable(limited, raw):
    user = limited.create_user("Cordelia, Lear's daughter")
    limited.set_rate_limit(None)
    replies = [call(raw, limited, user) for _ in range(12)]
    assert {r.status_code for r in replies} == {200}
    assert "X-RateLimit-Limit" not in replies[-1].headers
    limited.set_rate_limit(2, 60)
    assert [call(raw, limited, user).status_code for _ in range(3)] == [200, 200, 429]
