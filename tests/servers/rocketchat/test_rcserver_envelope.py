"""Generic error envelope and headers (reference page section 6)."""

from __future__ import annotations

import pytest

from botkit.servers.rocketchat import api_auth


def test_json_answers_are_not_cached(org, raw):
    for answer in (raw.get("/api/v1/me", org.alice), raw.get("/api/v1/me")):
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Pragma"] == "no-cache"
        assert answer.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/api/v1/no.such.endpoint"), ("GET", "/api/v1/chat.postMessage")]
)
def test_unknown_routes_are_404(raw, method, path):
    answer = raw.session.request(method, raw.url + path, timeout=10)
    assert answer.status_code == 404
    assert answer.json() == {"success": False, "error": "Resource not found"}


def test_a_handler_bug_is_a_500_without_traceback(org, raw, monkeypatch):
    monkeypatch.setattr(api_auth, "_me", lambda user: 1 / 0)  # a bug inside /api/v1/me
    answer = raw.get("/api/v1/me", org.alice)
    assert answer.status_code == 500
    assert answer.json() == {"success": False, "error": "Internal server error"}
    assert "ZeroDivisionError" not in answer.text


def test_fault_injection_from_the_base(server, org, raw):
    server.fail_next("/api/v1/subscriptions.read", 1, mode="503")
    first = raw.post("/api/v1/subscriptions.read", {"rid": org.general}, org.alice)
    assert first.status_code == 503
    second = raw.post("/api/v1/subscriptions.read", {"rid": org.general}, org.alice)
    assert second.json() == {"success": True}
