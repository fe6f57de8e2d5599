"""The /botkit-control/ HTTP API used from other processes."""

from __future__ import annotations

import requests
from rocketchat_API.rocketchat import RocketChat


def control(server, action: str, body=None, **params):
    url = f"{server.url}/botkit-control/{action}"
    if body is None:
        return requests.get(url, params=params, timeout=10)
    return requests.post(url, json=body, timeout=10)


def test_build_a_scenario_over_http(server):
    alice = control(server, "users", {"username": "alice", "password": "pw"}).json()
    bot = control(server, "users", {"username": "bot", "roles": ["bot"]}).json()
    assert (alice["password"], bot["roles"]) == ("pw", ["bot"])
    rid = control(server, "rooms", {"name": "general", "members": ["alice", "bot"]}).json()["rid"]
    dm = control(server, "dm", {"a": "alice", "b": bot["id"]}).json()["rid"]
    mid = control(server, "send", {"sender": "alice", "rid": rid, "text": "hi"}).json()["mid"]
    many = control(
        server,
        "send_many",
        {"messages": [{"sender": "bot", "rid": dm, "text": f"m{i}"} for i in range(5)]},
    ).json()["mids"]
    assert len(many) == 5
    rc = RocketChat(user_id=bot["id"], auth_token=bot["auth_token"], server_url=server.url)
    rc.subscriptions_read(rid)
    receipts = control(server, "receipts", mid=mid).json()["receipts"]
    assert [r["user_id"] for r in receipts] == [alice["id"], bot["id"]]
    assert (
        control(server, "requests", path="/api/v1/subscriptions.read", user="bot").json()["count"]
        == 1
    )
    control(server, "read_room", {"user": "alice", "rid": rid})
    assert "unread" not in control(server, "message", mid=mid).json()["message"]
    sub = control(server, "subscription", user="alice", rid=rid).json()["subscription"]
    assert sub["unread"] == 0


def test_settings_rate_limit_and_429_count(server, org):
    assert control(server, "settings", {"licence": False}).json() == {}
    assert server.settings.licence is False
    control(server, "rate_limit", {"calls": 1, "window": 60})
    headers = {"X-User-Id": org.alice.id, "X-Auth-Token": org.alice.auth_token}
    for _ in range(2):
        requests.get(f"{server.url}/api/v1/me", headers=headers, timeout=10)
    assert control(server, "count_429").json() == {"count": 1}
    control(server, "rate_limit", {"calls": None})
    assert requests.get(f"{server.url}/api/v1/me", headers=headers, timeout=10).ok


def test_tokens_deactivation_faults_and_log(server, org):
    token = control(server, "token", {"user": "bob"}).json()["token"]
    rc = RocketChat(user_id=org.bob.id, auth_token=token, server_url=server.url)
    assert rc.me()["username"] == "bob"
    control(server, "fail_next", {"path": "/api/v1/me", "count": 1, "mode": "502"})
    assert requests.get(f"{server.url}/api/v1/me", timeout=10).status_code == 502
    control(server, "deactivate", {"user": "bob"})
    assert not server.user("bob").active
    control(server, "clear_log", {})
    assert server.requests(path="/api/v1/me") == []


def test_bad_input_is_a_clear_400(server, org):
    answer = control(server, "send", {"sender": "ghost", "rid": org.general, "text": "x"})
    assert answer.status_code == 400
    assert "ghost" in answer.json()["error"]
    missing = control(server, "rooms", {"type": "c"})
    assert missing.json() == {"error": "missing field 'name'"}
    bad = control(server, "settings", {"no_such_setting": 1})
    assert bad.status_code == 400
