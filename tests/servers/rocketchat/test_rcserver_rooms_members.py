"""rooms.get / rooms.info, the *.members lists, dm.create / im.create."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException


def test_rooms_get_carries_lm_and_last_message(server, org, client):
    mid = server.send_message(org.bot, org.private, "latest")
    rooms = {r["_id"]: r for r in client(org.alice).rooms_get()["update"]}
    assert set(rooms) == {org.general, org.private, org.dm}
    private = rooms[org.private]
    assert private["lastMessage"]["_id"] == mid
    assert private["lm"] == server.message(mid)["ts"]
    assert "lm" not in rooms[org.general]


def test_rooms_get_updated_since_now_is_empty(org, client):
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    answer = client(org.alice).rooms_get(updatedSince=now)
    assert (answer["update"], answer["remove"]) == ([], [])


def test_rooms_info(org, client):
    room = client(org.alice).rooms_info(room_id=org.private)["room"]
    assert (room["_id"], room["t"], room["name"]) == (org.private, "p", "secret")
    with pytest.raises(RocketApiException) as caught:
        client(org.bob).rooms_info(room_id=org.private)
    assert caught.value.status_code == 400


def test_channels_members_paged(server, org, client):
    members = list(client(org.alice).channels_members(room_id=org.general, count=3))
    assert [m["username"] for m in members] == ["alice", "bob", "carol", "receipt-bot"]
    first_page = server.requests(path="/api/v1/channels.members")[0]
    assert first_page.data["count"] == "3"


def test_channels_members_counts(org, raw):
    body = raw.get("/api/v1/channels.members", org.alice, roomId=org.general, count=2).json()
    assert (body["count"], body["offset"], body["total"]) == (2, 0, 4)


def test_private_group_id_on_channels_members_is_400(org, client):
    with pytest.raises(RocketApiException) as caught:
        list(client(org.alice).channels_members(room_id=org.private))
    assert caught.value.status_code == 400


def test_groups_members_need_membership(org, client):
    assert len(list(client(org.alice).groups_members(room_id=org.private))) == 2
    with pytest.raises(RocketApiException):
        list(client(org.bob).groups_members(room_id=org.private))


@pytest.mark.parametrize("path", ["/api/v1/im.members", "/api/v1/dm.members"])
def test_dm_members(org, raw, path):
    body = raw.get(path, org.alice, roomId=org.dm).json()
    assert (body["count"], body["offset"], body["total"]) == (2, 0, 2)
    assert len(body["members"]) == 2


@pytest.mark.parametrize("path", ["/api/v1/im.create", "/api/v1/dm.create"])
def test_im_create_returns_room_with_rid(server, org, raw, path):
    answer = raw.post(path, {"username": "carol"}, org.bob).json()
    rid = answer["room"]["rid"]
    assert answer["room"]["t"] == "d"
    sub = server.subscription(org.bob, rid)
    assert (sub["name"], sub["fname"]) == ("carol", "Carol Danvers")
    # Creating it again returns the same room.
    assert raw.post(path, {"username": "carol"}, org.bob).json()["room"]["rid"] == rid


def test_dm_create_through_the_client(org, client):
    assert client(org.alice).dm_create("receipt-bot")["room"]["rid"] == org.dm


def test_dm_create_unknown_user(org, client):
    with pytest.raises(RocketApiException):
        client(org.alice).dm_create("ghost")
