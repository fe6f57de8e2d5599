"""chat.syncMessages: the error table and both modes (expectations.md: Sync and history)."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

EPOCH = "2000-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("params", "error_type", "text"),
    [
        ({}, "invalid-params", "must have required property 'roomId'"),
        (
            {"roomId": "R", "type": "invalid-type", "next": "1"},
            "invalid-params",
            "must be equal to one of the allowed values",
        ),
        ({"roomId": "R", "offset": "0", "lastUpdate": EPOCH}, "invalid-params", "must NOT have"),
        ({"roomId": "R"}, "error-param-required", 'The "type" or "lastUpdate" parameters'),
        ({"roomId": "R", "next": "1"}, "error-param-required", 'The "type" or "lastUpdate"'),
        (
            {"roomId": "unknown", "lastUpdate": "invalid-date"},
            "error-lastUpdate-param-invalid",
            'The "lastUpdate" query parameter must be a valid date',
        ),
        ({"roomId": "unknown", "lastUpdate": EPOCH}, "error-not-allowed", "Not allowed"),
        (
            {"roomId": "R", "type": "UPDATED", "next": "1", "previous": "2"},
            "error-cursor-conflict",
            'You cannot provide both "next" and "previous" parameters',
        ),
        (
            {"roomId": "R", "type": "UPDATED", "next": "1", "lastUpdate": EPOCH},
            "error-cursor-and-lastUpdate-conflict",
            'The attributes "next", "previous" and "lastUpdate" cannot be used together',
        ),
    ],
)
def test_error_table(org, raw, params, error_type, text):
    query = {k: (org.general if v == "R" else v) for k, v in params.items()}
    answer = raw.get("/api/v1/chat.syncMessages", org.alice, **query)
    assert answer.status_code == 400
    body = answer.json()
    assert body["errorType"] == error_type
    assert text in body["error"]


def test_private_room_of_someone_else_is_not_allowed(org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.bob).chat_sync_messages(org.private, EPOCH)
    assert caught.value.error_type == "error-not-allowed"


def test_last_update_mode(server, org, client):
    alice = client(org.alice)
    assert alice.chat_sync_messages(org.private, EPOCH)["result"] == {"updated": [], "deleted": []}
    first = server.send_message(org.bot, org.private, "one")
    second = server.send_message(org.bot, org.private, "two")
    updated = alice.chat_sync_messages(org.private, EPOCH)["result"]["updated"]
    assert [m["_id"] for m in updated] == [second, first]


def test_thread_replies_are_included(server, org, client):
    parent = server.send_message(org.bot, org.private, "parent")
    reply = server.send_message(org.alice, org.private, "reply", tmid=parent)
    updated = client(org.alice).chat_sync_messages(org.private, EPOCH)["result"]["updated"]
    assert {m["_id"] for m in updated} == {parent, reply}


def test_clearing_unread_returns_messages_again(server, org, client):
    """The polling trap: the flag-clearing update moves _updatedAt."""
    mid = server.send_message(org.alice, org.private, "will be read")
    cursor = server.message(mid)["_updatedAt"]
    alice = client(org.alice)
    assert alice.chat_sync_messages(org.private, cursor)["result"]["updated"] == []
    client(org.bot).subscriptions_read(org.private)
    alice.subscriptions_read(org.private)
    again = alice.chat_sync_messages(org.private, cursor)["result"]["updated"]
    assert [m["_id"] for m in again] == [mid]
    assert "unread" not in again[0]


def test_cursor_mode_pages_oldest_first(server, org, raw):
    mids = [server.send_message(org.bot, org.private, f"m{i}") for i in range(3)]
    first = raw.get(
        "/api/v1/chat.syncMessages",
        org.alice,
        roomId=org.private,
        type="UPDATED",
        next="0",
        count=2,
    ).json()["result"]
    assert [m["_id"] for m in first["updated"]] == mids[:2]
    stamps = [server.message(m)["_updatedAt"] for m in mids]
    assert first["cursor"]["previous"] == str(_ms(stamps[0]))
    assert first["cursor"]["next"] == str(_ms(stamps[1]))
    rest = raw.get(
        "/api/v1/chat.syncMessages",
        org.alice,
        roomId=org.private,
        type="UPDATED",
        next=first["cursor"]["next"],
        count=2,
    ).json()["result"]
    assert [m["_id"] for m in rest["updated"]] == mids[2:]
    assert rest["cursor"]["next"] is None
    back = raw.get(
        "/api/v1/chat.syncMessages",
        org.alice,
        roomId=org.private,
        type="UPDATED",
        previous=str(_ms(stamps[2])),
        count=1,
    ).json()["result"]
    assert [m["_id"] for m in back["updated"]] == mids[1:2]


def test_deleted_cursor_mode_is_empty(org, raw):
    answer = raw.get(
        "/api/v1/chat.syncMessages", org.alice, roomId=org.private, type="DELETED", next="0"
    ).json()
    assert answer["result"] == {"deleted": [], "cursor": {"next": None, "previous": None}}


def _ms(iso_text: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso_text).timestamp() * 1000 + 0.5)
