"""chat.postMessage / chat.sendMessage / chat.getMessage (expectations.md: Sending)."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException


def test_post_message_by_channel_name(org, client):
    answer = client(org.alice).chat_post_message(
        "hello", channel="#general", emoji=":smile:", attachments=[{"text": "att"}]
    )
    assert answer["message"]["msg"] == "hello"
    assert answer["message"]["rid"] == org.general
    assert answer["channel"] == "#general"
    assert isinstance(answer["ts"], int)


def test_post_message_to_a_user_opens_the_dm(org, client):
    answer = client(org.alice).chat_post_message("psst", channel="@receipt-bot")
    assert answer["message"]["rid"] == org.dm


def test_post_message_joins_a_public_channel(server, org, client):
    dave = server.create_user("dave")
    client(dave).chat_post_message("hi all", room_id=org.general)
    assert server.subscription(dave, org.general)["rid"] == org.general


@pytest.mark.parametrize(
    "body",
    [
        {"text": "no target"},
        {"channel": "#general", "tmid": "x", "text": "tmid needs roomId"},
        {"roomId": "x", "msg": "msg is not a postMessage key"},
    ],
)
def test_post_message_schema(org, raw, body):
    answer = raw.post("/api/v1/chat.postMessage", body, org.alice)
    assert answer.status_code == 400
    assert answer.json()["success"] is False
    assert answer.json()["errorType"] == "invalid-params"


def test_post_message_unknown_channel(org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.alice).chat_post_message("?", channel="#nowhere")
    assert caught.value.response_json == {"success": False, "error": "[invalid-channel]"}


def test_post_message_private_group_needs_membership(org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.bob).chat_post_message("let me in", room_id=org.private)
    assert caught.value.status_code == 400


def test_post_message_thread_reply_with_room_id(server, org, client):
    parent = server.send_message(org.alice, org.general, "parent")
    reply = client(org.bob).chat_post_message("reply", room_id=org.general, tmid=parent)
    assert reply["message"]["tmid"] == parent
    assert server.message(parent)["tcount"] == 1


def test_size_limit(server, org, client):
    alice = client(org.alice)
    with pytest.raises(RocketApiException) as caught:
        alice.chat_post_message("x" * 5001, room_id=org.general)
    assert caught.value.response_json == {"success": False, "error": "error-message-size-exceeded"}
    with pytest.raises(RocketApiException):
        alice.chat_post_message("ok", room_id=org.general, attachments=[{"text": "y" * 5001}])
    assert alice.chat_post_message("x" * 5000, room_id=org.general)["success"] is True
    server.set_settings(max_message_size=10)
    with pytest.raises(RocketApiException):
        alice.chat_send_message({"rid": org.general, "msg": "eleven char"})


def test_alias_and_avatar_need_the_bot_or_app_role(server, org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.alice).chat_post_message("as someone", room_id=org.general, alias="Boss")
    assert caught.value.response_json == {"success": False, "error": "Not enough permission"}
    admin = server.create_user("root", roles=("admin",))
    with pytest.raises(RocketApiException):
        client(admin).chat_send_message({"rid": org.general, "msg": "x", "avatar": "http://a/b"})
    answer = client(org.bot).chat_post_message("beep", room_id=org.general, alias="Robo")
    assert answer["message"]["alias"] == "Robo"


def test_send_message_keeps_client_id(org, client):
    answer = client(org.alice).chat_send_message(
        {"_id": "myOwnMessageId123", "rid": org.general, "msg": "chosen id"}
    )
    assert answer["message"]["_id"] == "myOwnMessageId123"
    assert client(org.bob).chat_get_message("myOwnMessageId123")["message"]["msg"] == "chosen id"


def test_send_message_missing_rid_wins_over_alias(org, raw):
    answer = raw.post(
        "/api/v1/chat.sendMessage",
        {"message": {"msg": "x", "alias": "a", "avatar": "b"}},
        org.alice,
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "success": False,
        "error": "The 'rid' property on the message object is missing.",
    }


def test_send_message_rejects_system_types_and_extra_keys(org, raw):
    system = {"message": {"rid": org.general, "msg": "x", "t": "subscription-role-added"}}
    assert raw.post("/api/v1/chat.sendMessage", system, org.alice).status_code == 400
    extra = {"message": {"rid": org.general, "msg": "x"}, "other": 1}
    assert raw.post("/api/v1/chat.sendMessage", extra, org.alice).status_code == 400
    custom = {"message": {"rid": org.general, "msg": "x", "customFields": {"a": "b"}}}
    answer = raw.post("/api/v1/chat.sendMessage", custom, org.alice)
    assert answer.json()["error"] == "Custom fields not enabled"


def test_send_message_thread_reply(server, org, client):
    parent = server.send_message(org.alice, org.general, "parent")
    reply = client(org.bob).chat_send_message(
        {"rid": org.general, "msg": "in thread", "tmid": parent}
    )["message"]
    assert reply["tmid"] == parent
    parent_now = server.message(parent)
    assert parent_now["tcount"] == 1
    assert set(parent_now["replies"]) == {org.alice.id, org.bob.id}


def test_send_message_bad_thread(org, client):
    with pytest.raises(RocketApiException):
        client(org.bob).chat_send_message({"rid": org.general, "msg": "x", "tmid": "nope"})


def test_get_message(server, org, client):
    mid = server.send_message(org.alice, org.private, "private")
    assert client(org.bot).chat_get_message(mid)["message"]["_id"] == mid
    with pytest.raises(RocketApiException):
        client(org.bob).chat_get_message(mid)


def test_mentions_are_listed(server, org, client):
    answer = client(org.alice).chat_post_message("hey @bob and @nobody", room_id=org.general)
    assert [m["username"] for m in answer["message"]["mentions"]] == ["bob"]
    assert server.subscription(org.bob, org.general)["userMentions"] == 1
