"""channels/groups/dm/im.history: order, paging, ranges, threads, access."""

from __future__ import annotations

import itertools

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException


def test_newest_first_and_paged_iterator_terminates(server, org, client):
    mids = server.send_many(
        [{"sender": org.alice, "rid": org.general, "text": f"m{i}"} for i in range(123)]
    )
    got = list(itertools.islice(client(org.bob).channels_history(org.general), 500))
    assert [m["_id"] for m in got] == list(reversed(mids))
    pages = server.requests(path="/api/v1/channels.history", user=org.bob.id)
    assert [r.data["offset"] for r in pages] == ["0", "50", "100"]


@pytest.mark.parametrize(("room", "method"), [("private", "groups_history"), ("dm", "dm_history")])
def test_groups_and_dm_history(server, org, client, room, method):
    rid = getattr(org, room)
    mids = [server.send_message(org.bot, rid, f"m{i}") for i in range(3)]
    got = list(getattr(client(org.alice), method)(rid, count=2))
    assert [m["_id"] for m in got] == list(reversed(mids))


def test_im_history_alias(server, org, raw):
    mid = server.send_message(org.bot, org.dm, "hi")
    answer = raw.get("/api/v1/im.history", org.alice, roomId=org.dm, count=5, offset=0)
    assert [m["_id"] for m in answer.json()["messages"]] == [mid]


def test_oldest_latest_inclusive(server, org, raw):
    mids = [server.send_message(org.alice, org.general, f"m{i}") for i in range(5)]
    stamps = [server.message(m)["ts"] for m in mids]

    def window(**params):
        answer = raw.get("/api/v1/channels.history", org.bob, roomId=org.general, **params)
        return [m["_id"] for m in answer.json()["messages"]]

    assert window(oldest=stamps[1], latest=stamps[3]) == [mids[2]]
    assert window(oldest=stamps[1], latest=stamps[3], inclusive="true") == mids[3:0:-1]
    assert window(oldest=stamps[3]) == [mids[4]]
    assert window(latest=stamps[1]) == [mids[0]]
    assert window(count=2, offset=1) == [mids[3], mids[2]]


def test_oldest_with_unencoded_plus_offset(server, org, client):
    first = server.send_message(org.alice, org.general, "old")
    second = server.send_message(org.alice, org.general, "new")
    oldest = server.message(first)["ts"].replace("Z", "+00:00")
    got = list(client(org.bob).channels_history(org.general, oldest=oldest))
    assert [m["_id"] for m in got] == [second]


def test_thread_replies_hidden_unless_asked(server, org, raw):
    parent = server.send_message(org.alice, org.general, "parent")
    reply = server.send_message(org.bob, org.general, "hidden reply", tmid=parent)
    shown = server.send_message(org.bob, org.general, "shown reply", tmid=parent, tshow=True)

    def ids(**params):
        answer = raw.get("/api/v1/channels.history", org.bob, roomId=org.general, **params)
        return [m["_id"] for m in answer.json()["messages"]]

    assert ids() == [shown, parent]
    assert ids(showThreadMessages="true") == [shown, reply, parent]


def test_unreads(server, org, raw):
    server.send_message(org.alice, org.general, "read")
    server.read_room(org.bob, org.general)
    unread = server.send_message(org.alice, org.general, "unread")
    answer = raw.get("/api/v1/channels.history", org.bob, roomId=org.general, unreads="true")
    body = answer.json()
    assert body["firstUnread"]["_id"] == unread
    assert body["unreadNotLoaded"] == 0


def test_public_history_readable_by_non_members(server, org, client):
    outsider = server.create_user("dave")
    mid = server.send_message(org.alice, org.general, "public")
    assert [m["_id"] for m in client(outsider).channels_history(org.general)] == [mid]


@pytest.mark.parametrize(
    ("method", "room"),
    [("groups_history", "private"), ("dm_history", "dm"), ("channels_history", "private")],
)
def test_history_access_errors_are_400(org, client, method, room):
    with pytest.raises(RocketApiException) as caught:
        getattr(client(org.bob), method)(getattr(org, room))
    assert caught.value.status_code == 400
    assert caught.value.error_type == "error-room-not-found"
