"""Read-receipt rules (reference page section 1), observed through rocketchat-API."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from botkit.servers.rocketchat import LocalRocketChat


def receipt_users(rc, mid: str) -> list[str]:
    return [r["userId"] for r in rc.chat_get_message_read_receipts(mid)["receipts"]]


def test_new_message_is_flagged_unread_and_the_sender_has_a_receipt(server, org, client):
    alice = client(org.alice)
    sent = alice.chat_send_message({"rid": org.general, "msg": "hello"})["message"]
    assert sent["unread"] is True
    answer = alice.chat_get_message_read_receipts(sent["_id"])
    assert answer["success"] is True
    assert [r["userId"] for r in answer["receipts"]] == [org.alice.id]


def test_bot_sender_gets_its_own_receipt_too(org, client):
    bot = client(org.bot)
    mid = bot.chat_post_message("beep", room_id=org.general)["message"]["_id"]
    assert receipt_users(bot, mid) == [org.bot.id]


def test_room_read_receipts_unread_visible_messages_newer_than_old_ls(server, org, client):
    bob = client(org.bob)
    bob.subscriptions_read(org.general)  # bob's ls is now set
    before = server.send_message(org.alice, org.general, "before")
    bob.subscriptions_read(org.general)
    after = server.send_message(org.alice, org.general, "after")
    bob.subscriptions_read(org.general)
    # Each read receipts only what arrived since bob's previous read.
    assert receipt_users(bob, before) == [org.alice.id, org.bob.id]
    assert receipt_users(bob, after) == [org.alice.id, org.bob.id]
    read_ts = {r["userId"]: r["ts"] for r in bob.chat_get_message_read_receipts(after)["receipts"]}
    first_ts = {
        r["userId"]: r["ts"] for r in bob.chat_get_message_read_receipts(before)["receipts"]
    }
    assert read_ts[org.bob.id] > first_ts[org.bob.id]


def test_first_read_of_never_opened_subscription_creates_receipts(server, org, client):
    mid = server.send_message(org.alice, org.general, "welcome")
    assert "ls" not in server.subscription(org.carol, org.general)
    client(org.carol).subscriptions_read(org.general)
    assert org.carol.id in receipt_users(client(org.carol), mid)
    assert "ls" in server.subscription(org.carol, org.general)


def test_receipt_shape_and_insertion_order(server, org, client):
    mid = server.send_message(org.alice, org.general, "shape")
    for user in (org.carol, org.bob):
        client(user).subscriptions_read(org.general)
    receipts = client(org.alice).chat_get_message_read_receipts(mid)["receipts"]
    assert [r["userId"] for r in receipts] == [org.alice.id, org.carol.id, org.bob.id]
    first = receipts[1]
    assert first["_id"] == mid + org.carol.id
    assert first["roomId"] == org.general
    assert first["messageId"] == mid
    assert first["user"] == {"_id": org.carol.id, "username": "carol", "name": "Carol Danvers"}
    # ISO-8601 with milliseconds and Z.
    assert len(first["ts"]) == 24
    assert first["ts"].endswith("Z")
    assert first["ts"][19] == "."


def test_one_read_shares_one_timestamp(server, org, client):
    first = server.send_message(org.alice, org.general, "one")
    second = server.send_message(org.alice, org.general, "two")
    client(org.bob).subscriptions_read(org.general)
    stamps = {
        ts for mid in (first, second) for uid, ts in server.receipts(mid) if uid == org.bob.id
    }
    assert len(stamps) == 1


def test_flag_clears_only_when_every_member_has_read(server, org, client):
    mid = server.send_message(org.alice, org.general, "all of you")
    for user in (org.alice, org.bob, org.carol):
        client(user).subscriptions_read(org.general)
        assert server.message(mid)["unread"] is True
    client(org.bot).subscriptions_read(org.general)
    assert "unread" not in server.message(mid)


def test_clearing_the_flag_bumps_updated_at(server, org, client):
    mid = server.send_message(org.alice, org.general, "bump")
    before = server.message(mid)["_updatedAt"]
    for user in (org.alice, org.bob, org.carol, org.bot):
        client(user).subscriptions_read(org.general)
    after = server.message(mid)
    assert "unread" not in after
    assert after["_updatedAt"] > before
    assert after["ts"] == server.message(mid)["ts"]


def test_late_reader_after_flag_cleared_gets_no_receipt(server, org, client, raw):
    """Only messages still flagged unread are receipted: with receipts stored only from now on,
    a reader coming back to a message everyone already read gets none."""
    server.set_settings(store_users=False)
    early = server.send_message(org.alice, org.general, "early")
    mid = server.send_message(org.alice, org.general, "read by all")
    for user in (org.alice, org.bob, org.carol, org.bot):
        client(user).subscriptions_read(org.general)
    assert "unread" not in server.message(mid)
    server.set_settings(store_users=True)
    carol = client(org.carol)
    # Carol marks the room unread from `early` on: her ls goes back before `mid`.
    unread = raw.post(
        "/api/v1/subscriptions.unread", {"firstUnreadMessage": {"_id": early}}, org.carol
    )
    assert unread.json() == {"success": True}
    fresh = server.send_message(org.alice, org.general, "new")
    carol.subscriptions_read(org.general)
    assert receipt_users(carol, mid) == []
    assert receipt_users(carol, fresh) == [org.alice.id, org.carol.id]


def test_message_sent_while_disabled_is_never_receipted(server, org, client):
    server.set_settings(read_receipts=False)
    mid = client(org.alice).chat_post_message("quiet", room_id=org.general)["message"]["_id"]
    assert "unread" not in server.message(mid)
    server.set_settings(read_receipts=True)
    client(org.bob).subscriptions_read(org.general)
    assert receipt_users(client(org.bob), mid) == []


def test_store_users_off_keeps_flag_but_stores_no_receipts(server, org, client):
    server.set_settings(store_users=False)
    mid = server.send_message(org.alice, org.general, "anonymous")
    client(org.bob).subscriptions_read(org.general)
    assert server.message(mid)["unread"] is True
    assert client(org.bob).chat_get_message_read_receipts(mid) == {"receipts": [], "success": True}


def test_receipts_stored_earlier_survive_turning_settings_off(server, org, client):
    mid = server.send_message(org.alice, org.general, "kept")
    server.set_settings(read_receipts=False, store_users=False)
    assert receipt_users(client(org.bob), mid) == [org.alice.id]


def test_without_licence_the_endpoint_is_an_enterprise_feature(server, org, client):
    mid = server.send_message(org.alice, org.general, "ce")
    server.set_settings(licence=False)
    with pytest.raises(RocketApiException) as caught:
        client(org.bob).chat_get_message_read_receipts(mid)
    assert caught.value.status_code == 400
    assert caught.value.response_json == {
        "success": False,
        "error": "This is an enterprise feature [error-action-not-allowed]",
        "errorType": "error-action-not-allowed",
    }


def test_without_licence_nothing_is_flagged_or_receipted(server, org):
    server.set_settings(licence=False)
    mid = server.send_message(org.alice, org.general, "ce")
    server.read_room(org.bob, org.general)
    assert "unread" not in server.message(mid)
    assert server.receipts(mid) == []


def test_room_read_never_receipts_thread_replies_chat_read_thread_does(server, org, client, raw):
    parent = server.send_message(org.alice, org.private, "thread start")
    reply = client(org.alice).chat_send_message(
        {"rid": org.private, "msg": "in thread", "tmid": parent}
    )["message"]
    bot = client(org.bot)
    bot.subscriptions_read(org.private, readThreads=True)
    assert receipt_users(bot, parent) == [org.alice.id, org.bot.id]
    assert receipt_users(bot, reply["_id"]) == [org.alice.id]
    answer = raw.post("/api/v1/chat.readThread", {"tmid": parent}, org.bot)
    assert answer.status_code == 200
    assert answer.json() == {"success": True}
    assert receipt_users(bot, reply["_id"]) == [org.alice.id, org.bot.id]


def test_read_thread_errors(server, org, raw):
    parent = server.send_message(org.alice, org.private, "private thread")
    cases = [
        ("nope", org.bot, "Invalid Message [error-invalid-message]"),
        (parent, org.carol, "Not Allowed [error-not-allowed]"),
    ]
    for tmid, user, error in cases:
        answer = raw.post("/api/v1/chat.readThread", {"tmid": tmid}, user)
        assert (answer.status_code, answer.json()["error"]) == (400, error)
    server.set_settings(threads_enabled=False)
    answer = raw.post("/api/v1/chat.readThread", {"tmid": parent}, org.bot)
    assert answer.json()["error"] == "Threads Disabled [error-not-allowed]"


def test_public_channel_receipts_readable_by_non_members(server, org, client):
    outsider = server.create_user("dave")
    mid = server.send_message(org.alice, org.general, "public")
    assert receipt_users(client(outsider), mid) == [org.alice.id]


@pytest.mark.parametrize("room", ["private", "dm"])
def test_private_rooms_need_membership_and_answer_400(server, org, client, room):
    mid = server.send_message(org.alice, getattr(org, room), "members only")
    with pytest.raises(RocketApiException) as caught:
        client(org.bob).chat_get_message_read_receipts(mid)
    assert caught.value.status_code == 400
    assert caught.value.response_json == {
        "success": False,
        "error": "Invalid room [error-invalid-room]",
        "errorType": "error-invalid-room",
        "details": {"method": "getReadReceipts"},
    }


def test_unknown_message(org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.bob).chat_get_message_read_receipts("doesNotExist")
    assert caught.value.error_type == "error-invalid-message"
    assert caught.value.response_json["error"] == "Invalid message [error-invalid-message]"


def test_missing_and_extra_params_in_8_7_plus_mode(server, org, raw):
    mid = server.send_message(org.alice, org.general, "typed")
    missing = raw.get("/api/v1/chat.getMessageReadReceipts", org.bob)
    assert (missing.status_code, missing.json()) == (
        400,
        {
            "success": False,
            "errorType": "error-invalid-params",
            "error": "must have required property 'messageId'",
        },
    )
    extra = raw.get("/api/v1/chat.getMessageReadReceipts", org.bob, messageId=mid, count=10)
    assert extra.status_code == 400
    assert extra.json()["error"] == "must NOT have additional properties"
    # The typed route validates before the licence check.
    server.set_settings(licence=False)
    again = raw.get("/api/v1/chat.getMessageReadReceipts", org.bob)
    assert again.json()["errorType"] == "error-invalid-params"


def test_add_route_form_before_8_7(org, raw):
    with LocalRocketChat(rate_limit=None, version="8.6.2") as old:
        alice = old.create_user("alice")
        rid = old.create_room("general", "c", [alice])
        mid = old.send_message(alice, rid, "old")
        missing = raw.session.get(
            old.url + "/api/v1/chat.getMessageReadReceipts", headers=raw.headers(alice)
        )
        assert (missing.status_code, missing.json()) == (
            400,
            {"error": "The required 'messageId' param is missing.", "success": False},
        )
        paged = raw.session.get(
            old.url + f"/api/v1/chat.getMessageReadReceipts?messageId={mid}&count=5",
            headers=raw.headers(alice),
        )
        assert paged.status_code == 200
        assert len(paged.json()["receipts"]) == 1


def test_delayed_flag_clearing_runs_once_after_the_last_read(org):
    with LocalRocketChat(rate_limit=None, flag_clear_delay=0.05) as srv:
        a, b = srv.create_user("a"), srv.create_user("b")
        rid = srv.create_room("r", "c", [a, b])
        mid = srv.send_message(a, rid, "later")
        srv.read_room(a, rid)
        srv.read_room(b, rid)
        assert srv.message(mid)["unread"] is True  # not yet: the job is debounced
        wait_until(lambda: "unread" not in srv.message(mid))


def wait_until(condition, timeout: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
