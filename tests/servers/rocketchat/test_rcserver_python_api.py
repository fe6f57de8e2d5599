"""The Python API other engineers code against, including bulk sending speed."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from botkit.servers.rocketchat import LocalRocketChat


def test_users_have_rocket_chat_shaped_ids_and_tokens(server):
    user = server.create_user("alice", name="Alice", password="pw", roles=("user",))
    assert len(user.id) == 17
    assert (user.username, user.name, user.roles, user.password, user.active) == (
        "alice",
        "Alice",
        ("user",),
        "pw",
        True,
    )
    assert user.auth_token
    assert server.user("alice") is user
    assert server.user(user.id) is user


def test_bad_references_raise_clear_errors(server, org):
    with pytest.raises(LookupError, match="ghost"):
        server.send_message("ghost", org.general, "x")
    with pytest.raises(ValueError, match="not a member"):
        server.send_message(org.bob, org.private, "x")
    with pytest.raises(ValueError, match="already taken"):
        server.create_user("alice")
    with pytest.raises(ValueError, match="error-invalid-subscription"):
        server.read_room(org.bob, org.private)
    with pytest.raises(LookupError):
        server.subscription(org.bob, org.private)


def test_receipts_read_thread_and_membership(server, org):
    parent = server.send_message(org.alice, org.private, "parent")
    reply = server.send_message(org.alice, org.private, "reply", tmid=parent)
    server.read_thread(org.bot, parent)
    users = [uid for uid, _ in server.receipts(reply)]
    assert users == [org.alice.id, org.bot.id]
    assert all(isinstance(ts, datetime) for _, ts in server.receipts(reply))
    server.add_member(org.private, org.bob)
    assert server.subscription(org.bob, org.private)["rid"] == org.private
    server.remove_member(org.private, org.bob)
    with pytest.raises(LookupError):
        server.subscription(org.bob, org.private)


def test_sender_alone_is_unflagged_at_once(server):
    solo = server.create_user("solo")
    rid = server.create_room("solo-room", "p", [solo])
    mid = server.send_message(solo, rid, "talking to myself")
    assert "unread" not in server.message(mid)
    assert [uid for uid, _ in server.receipts(mid)] == [solo.id]


def test_older_servers_mark_the_sender_read_on_send(server):
    with LocalRocketChat(rate_limit=None, version="7.10.0") as old:
        a, b = old.create_user("a"), old.create_user("b")
        rid = old.create_room("r", "c", [a, b])
        old.send_message(a, rid, "x")
        assert "ls" in old.subscription(a, rid)
    with LocalRocketChat(rate_limit=None) as new:
        a, b = new.create_user("a"), new.create_user("b")
        rid = new.create_room("r", "c", [a, b])
        new.send_message(a, rid, "x")
        assert "ls" not in new.subscription(a, rid)


def test_ten_thousand_messages_stay_fast(server, org, raw):
    batch = [{"sender": org.alice, "rid": org.general, "text": f"m{i}"} for i in range(10_000)]
    started = time.perf_counter()
    mids = server.send_many(batch)
    assert time.perf_counter() - started < 5
    started = time.perf_counter()
    for _ in range(20):
        page = raw.get("/api/v1/channels.history", org.bot, roomId=org.general, count=50)
        assert page.json()["messages"][0]["_id"] == mids[-1]
    server.read_room(org.bot, org.general)
    assert time.perf_counter() - started < 5
    assert len(server.receipts(mids[-1])) == 2
