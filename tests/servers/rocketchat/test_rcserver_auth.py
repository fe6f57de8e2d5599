"""Authentication and account endpoints (expectations.md: Authentication, users.info)."""

from __future__ import annotations

import hashlib

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import (
    RocketApiException,
    RocketAuthenticationException,
)
from rocketchat_API.rocketchat import RocketChat

LOGIN_REQUIRED = {
    "success": False,
    "error": "You must be logged in to do this.",
    "status": "error",
    "message": "You must be logged in to do this.",
}


def test_client_logs_in_with_username_and_password(server, org):
    rc = RocketChat("alice", "alice-pw", server_url=server.url)
    assert rc.me()["username"] == "alice"
    assert server.requests(path="/api/v1/me", user=org.alice.id)


def test_client_logs_in_with_email(server, org):
    rc = RocketChat("alice@botkit.local", "alice-pw", server_url=server.url)
    assert rc.me()["_id"] == org.alice.id


@pytest.mark.parametrize(
    "body",
    [
        {"user": {"username": "alice"}, "password": "alice-pw"},
        {"user": {"email": "alice@botkit.local"}, "password": "alice-pw"},
        {"user": "alice@botkit.local", "password": "alice-pw"},
        {"username": "alice", "password": "alice-pw"},
        {
            "user": {"username": "alice"},
            "password": {"digest": hashlib.sha256(b"alice-pw").hexdigest(), "algorithm": "sha-256"},
        },
    ],
)
def test_login_body_forms(org, raw, body):
    answer = raw.post("/api/v1/login", body)
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == "success"
    assert data["data"]["userId"] == org.alice.id
    assert data["data"]["me"]["username"] == "alice"
    assert data["data"]["authToken"]


def test_resume_login_with_a_token(org, raw):
    answer = raw.post("/api/v1/login", {"resume": org.alice.auth_token})
    assert answer.status_code == 200
    assert answer.json()["data"]["userId"] == org.alice.id


@pytest.mark.parametrize("user", ["alice", "nobody"])
def test_wrong_password_or_unknown_user_is_401_unauthorized(server, org, user):
    with pytest.raises(RocketAuthenticationException):
        RocketChat(user, "wrong", server_url=server.url)


def test_failed_login_body(org, raw):
    answer = raw.post("/api/v1/login", {"username": "alice", "password": "wrong"})
    assert answer.status_code == 401
    body = answer.json()
    assert (body["status"], body["message"]) == ("error", "Unauthorized")


def test_missing_credentials_give_the_4_key_401(server, org):
    rc = RocketChat(user_id=org.alice.id, auth_token="not-the-token", server_url=server.url)
    with pytest.raises(RocketApiException) as caught:
        rc.me()
    assert caught.value.status_code == 401
    assert caught.value.response_json == LOGIN_REQUIRED


def test_personal_access_token_and_logout(server, org):
    token = server.create_token(org.bot)
    rc = RocketChat(user_id=org.bot.id, auth_token=token, server_url=server.url)
    assert rc.me()["username"] == "receipt-bot"
    assert rc.logout() == {
        "status": "success",
        "data": {"message": "You've been logged out!"},
        "success": True,
    }
    with pytest.raises(RocketApiException):
        rc.me()


def test_deactivated_user_is_logged_out_everywhere(server, org, client):
    server.deactivate(org.bob)
    with pytest.raises(RocketApiException) as caught:
        client(org.bob).me()
    assert caught.value.status_code == 401
    with pytest.raises(RocketAuthenticationException):
        RocketChat("bob", "bob-pw", server_url=server.url)


def test_me(org, client):
    me = client(org.alice).me()
    assert me["_id"] == org.alice.id
    assert me["active"] is True
    assert me["name"] == "Alice Liddell"
    assert me["roles"] == ["user"]
    assert me["emails"][0]["address"] == "alice@botkit.local"
    prefs = me["settings"]["preferences"]
    assert {"sendOnEnter", "unreadAlert", "sidebarSortby"} <= set(prefs)
    assert "services" not in me


def test_info_gives_major_minor_to_non_admins(server, org, client):
    assert client(org.alice).info() == {"version": "8.8", "success": True}
    assert RocketChat(server_url=server.url).info() == {"version": "8.8", "success": True}


def test_info_gives_full_version_to_admins(server, client):
    admin = server.create_user("root", roles=("admin",))
    answer = client(admin).info()
    assert answer["version"] == "8.8.1"
    assert set(answer["info"]) == {"version", "build", "commit", "marketplaceApiVersion"}


def test_users_info_services_only_for_yourself(org, client):
    alice = client(org.alice)
    own = alice.users_info(user_id=org.alice.id)["user"]
    assert {"password", "resume"} <= set(own["services"])
    other = alice.users_info(username="bob")["user"]
    assert "services" not in other
    assert (other["username"], other["active"], other["type"]) == ("bob", True, "user")
    assert "e2e" not in other


def test_users_info_rooms_for_yourself_only(org, client):
    alice = client(org.alice)
    own = alice.users_info(user_id=org.alice.id, includeUserRooms="true")["user"]
    assert {r["rid"] for r in own["rooms"]} == {org.general, org.private, org.dm}
    assert all("unread" in r for r in own["rooms"])
    assert "rooms" not in alice.users_info(username="bob", includeUserRooms="true")["user"]


def test_users_info_unknown_user_is_400(org, client):
    with pytest.raises(RocketApiException) as caught:
        client(org.alice).users_info(username="ghost")
    assert caught.value.status_code == 400
    assert caught.value.response_json["error"]


def test_users_list_pages_through_everyone(server, org, client):
    for i in range(7):
        server.create_user(f"extra{i}")
    names = [u["username"] for u in client(org.alice).users_list(count=5)]
    assert len(names) == 11
    assert names == sorted(names)


def test_guest_without_permission_gets_403(server, client):
    guest = server.create_user("guest", roles=("guest",))
    with pytest.raises(RocketApiException) as caught:
        list(client(guest).users_list())
    assert caught.value.status_code == 403
    assert caught.value.response_json == {
        "success": False,
        "error": "User does not have the permissions required for this action [error-unauthorized]",
    }


def test_secrets_stay_out_of_reprs(org):
    text = repr(org.alice)
    assert "alice-pw" not in text
    assert org.alice.auth_token not in text


def test_request_log_keeps_no_login_secrets(server, org):
    RocketChat("alice", "alice-pw", server_url=server.url)
    logged = server.requests(path="/api/v1/login")
    assert logged[0].data == {"username": "alice", "password": "<redacted>"}
    assert logged[0].user == org.alice.id
    assert "alice-pw" not in repr(server.requests())
