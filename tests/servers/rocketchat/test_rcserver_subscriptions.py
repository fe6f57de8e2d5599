"""subscriptions.get / getOne / read / unread (expectations.md: Subscriptions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException


def test_get_lists_update_and_remove(org, client):
    answer = client(org.alice).subscriptions_get()
    assert {s["rid"] for s in answer["update"]} == {org.general, org.private, org.dm}
    assert answer["remove"] == []


def test_get_with_updated_since_now_is_empty(org, client):
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert client(org.alice).subscriptions_get(updatedSince=now) == {
        "update": [],
        "remove": [],
        "success": True,
    }


def test_get_tolerates_unencoded_plus_offset(server, org, client):
    """rocketchat-API sends '+00:00' unencoded: it arrives as ' 00:00'."""
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    assert "+00:00" in since
    server.send_message(org.alice, org.general, "hi")
    update = client(org.bob).subscriptions_get(updatedSince=since)["update"]
    assert [s["rid"] for s in update] == [org.general]
    assert update[0]["unread"] == 1
    assert update[0]["alert"] is True


def test_get_rejects_a_bad_date(org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.alice).subscriptions_get(updatedSince="yesterday")
    assert caught.value.error_type == "error-roomId-param-invalid"


def test_removed_subscription_appears_in_remove(server, org, client):
    since = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    sub_id = server.subscription(org.carol, org.general)["_id"]
    server.remove_member(org.general, org.carol)
    answer = client(org.carol).subscriptions_get(updatedSince=since)
    assert [r["_id"] for r in answer["remove"]] == [sub_id]


def test_get_one(org, client):
    sub = client(org.alice).subscriptions_get_one(org.dm)["subscription"]
    assert (sub["rid"], sub["t"], sub["name"], sub["fname"]) == (
        org.dm,
        "d",
        "receipt-bot",
        "Receipt Bot",
    )


def test_get_one_without_room_id(org, raw):
    answer = raw.get("/api/v1/subscriptions.getOne", org.alice)
    assert answer.status_code == 400
    assert answer.json()["error"] == "must have required property 'roomId' [invalid-params]"


def test_get_one_without_credentials(org, raw):
    answer = raw.get("/api/v1/subscriptions.getOne", None, roomId=org.general)
    assert answer.status_code == 401
    assert answer.json()["status"] == "error"
    assert answer.json()["message"]


def test_sender_keeps_alert_false(org, client):
    alice = client(org.alice)
    alice.chat_post_message("mine", room_id=org.general)
    assert alice.subscriptions_get_one(org.general)["subscription"]["alert"] is False
    assert client(org.bob).subscriptions_get_one(org.general)["subscription"]["alert"] is True


@pytest.mark.parametrize("room", ["general", "private", "dm"])
def test_read_by_rid_in_every_room_type(server, org, client, room):
    rid = getattr(org, room)
    server.send_message(org.bot, rid, "unread")
    alice = client(org.alice)
    assert alice.subscriptions_read(rid) == {"success": True}
    sub = server.subscription(org.alice, rid)
    assert (sub["unread"], sub["alert"], sub["open"]) == (0, False, True)
    assert "ls" in sub


def test_read_by_room_id(org, raw, server):
    answer = raw.post("/api/v1/subscriptions.read", {"roomId": org.general}, org.bob)
    assert answer.json() == {"success": True}
    assert "ls" in server.subscription(org.bob, org.general)


@pytest.mark.parametrize(
    "body",
    [
        {"rid": "a", "roomId": "b"},
        {"rid": 12345},
        {},
    ],
)
def test_read_invalid_params(org, raw, body):
    answer = raw.post("/api/v1/subscriptions.read", body, org.alice)
    assert answer.status_code == 400
    assert answer.json()["errorType"] == "invalid-params"


def test_read_empty_body_message_matches_rocket_chat(org, raw):
    answer = raw.post("/api/v1/subscriptions.read", {}, org.alice)
    assert answer.json() == {
        "success": False,
        "error": "must have required property 'rid'\n must have required property 'roomId'\n"
        " must match a schema in anyOf [invalid-params]",
        "errorType": "invalid-params",
    }


def test_read_unknown_room(org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.alice).subscriptions_read("unknownRoomId")
    assert caught.value.response_json == {"success": False, "error": "error-invalid-subscription"}


def test_read_public_room_without_subscription(server, org, client):
    outsider = server.create_user("dave")
    with pytest.raises(RocketApiException) as caught:
        client(outsider).subscriptions_read(org.general)
    assert caught.value.error == "error-invalid-subscription"


def test_thread_mention_makes_a_follower_and_read_threads_clears_it(server, org, client):
    parent = server.send_message(org.alice, org.general, "thread")
    server.send_message(org.bob, org.general, "ping @carol", tmid=parent)
    sub = server.subscription(org.carol, org.general)
    assert sub["tunread"] == [parent]
    assert sub["tunreadUser"] == [parent]
    assert org.carol.id in server.message(parent)["replies"]
    client(org.carol).subscriptions_read(org.general, readThreads=False)
    assert server.subscription(org.carol, org.general)["tunread"] == [parent]
    client(org.carol).subscriptions_read(org.general, readThreads=True)
    assert "tunread" not in server.subscription(org.carol, org.general)


def test_unread_needs_a_message(org, client, server):
    alice = client(org.alice)
    with pytest.raises(RocketApiException) as caught:
        alice.subscriptions_unread(org.private)
    assert caught.value.error_type == "error-no-message-for-unread"
    assert caught.value.response_json["error"]
    server.send_message(org.bot, org.private, "now there is one")
    alice.subscriptions_read(org.private)
    assert alice.subscriptions_unread(org.private) == {"success": True}
    assert server.subscription(org.alice, org.private)["alert"] is True


@pytest.mark.parametrize("body", [{"roomId": 12345}, {}])
def test_unread_invalid_bodies(org, raw, body):
    answer = raw.post("/api/v1/subscriptions.unread", body, org.alice)
    assert answer.status_code == 400
    assert answer.json()["error"]
