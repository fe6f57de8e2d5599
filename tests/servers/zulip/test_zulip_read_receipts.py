"""GET /messages/{id}/read_receipts: one test per rule and per error (reference section 1.1)."""

from __future__ import annotations

from typing import Any

import requests

from botkit.servers.zulip import LocalZulip


def receipts(client_for: Any, viewer: Any, message_id: int | str) -> dict[str, Any]:
    result: dict[str, Any] = client_for(viewer).call_endpoint(
        f"messages/{message_id}/read_receipts", method="GET"
    )
    return result


def test_sender_never_appears_even_after_reading_own_message(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "who reads this?")
    client_for(org.hamlet).update_message_flags({"messages": [mid], "op": "add", "flag": "read"})
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == []
    zserver.mark_read(org.othello, [mid])
    assert receipts(client_for, org.hamlet, mid) == {
        "result": "success",
        "msg": "",
        "user_ids": [org.othello.id],
    }


def test_opted_out_reader_is_missing_also_from_own_view(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    client_for(org.prospero).call_endpoint(
        "settings", method="PATCH", request={"send_read_receipts": False}
    )
    zserver.mark_read(org.prospero, [mid])
    zserver.mark_read(org.othello, [mid])
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == [org.othello.id]
    assert receipts(client_for, org.prospero, mid)["user_ids"] == [org.othello.id]


def test_mutes_apply_in_both_directions_at_once(zserver, org, client_for):
    """Zulip's own example: Hamlet mutes Cordelia, Cordelia mutes Othello."""
    mid = zserver.send_message(org.prospero, "Denmark", "r", "m")
    for reader in (org.hamlet, org.cordelia, org.othello):
        zserver.mark_read(reader, [mid])
    client_for(org.hamlet).call_endpoint(f"users/me/muted_users/{org.cordelia.id}", method="POST")
    zserver.mute_user(org.cordelia, org.othello)
    ham, cor, oth = org.hamlet.id, org.cordelia.id, org.othello.id
    assert set(receipts(client_for, org.cordelia, mid)["user_ids"]) == {cor}
    assert set(receipts(client_for, org.hamlet, mid)["user_ids"]) == {ham, oth}
    assert set(receipts(client_for, org.othello, mid)["user_ids"]) == {ham, oth}
    assert set(receipts(client_for, org.iago, mid)["user_ids"]) == {ham, cor, oth}
    zserver.unmute_user(org.cordelia, org.othello)
    assert set(receipts(client_for, org.cordelia, mid)["user_ids"]) == {cor, oth}


def test_mute_errors(org, client_for):
    hamlet = client_for(org.hamlet)
    path = f"users/me/muted_users/{org.cordelia.id}"
    assert hamlet.call_endpoint(path, method="POST")["result"] == "success"
    assert hamlet.call_endpoint(path, method="POST")["msg"] == "User already muted"
    assert hamlet.call_endpoint(path, method="DELETE")["result"] == "success"
    assert hamlet.call_endpoint(path, method="DELETE")["msg"] == "User is not muted"
    own = hamlet.call_endpoint(f"users/me/muted_users/{org.hamlet.id}", method="POST")
    assert own["msg"] == "Cannot mute self"


def test_message_from_muted_sender_arrives_read(zserver, org):
    zserver.mute_user(org.hamlet, org.cordelia)
    mid = zserver.send_message(org.cordelia, "Denmark", "muted", "from a muted sender")
    assert zserver.message_flags(org.hamlet, mid) == {"read"}
    assert zserver.message_flags(org.othello, mid) == set()


def test_deactivated_reader_is_left_out_and_back_after_reactivation(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    zserver.mark_read(org.othello, [mid])
    iago = client_for(org.iago)
    assert iago.call_endpoint(f"users/{org.othello.id}", method="DELETE")["result"] == "success"
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == []
    iago.call_endpoint(f"users/{org.othello.id}/reactivate", method="POST")
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == [org.othello.id]


def test_bots_are_included_and_see_themselves(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    client_for(org.bot).update_message_flags({"messages": [mid], "op": "add", "flag": "read"})
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == [org.bot.id]
    assert receipts(client_for, org.bot, mid)["user_ids"] == [org.bot.id]


def test_historical_rows_count_as_read(zserver, org, client_for):
    """Starring a message in a public channel one is not subscribed to creates a
    ``read|historical`` row, which counts as a receipt."""
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    iago = client_for(org.iago)
    iago.update_message_flags({"messages": [mid], "op": "add", "flag": "starred"})
    assert zserver.message_flags(org.iago, mid) == {"read", "starred", "historical"}
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == [org.iago.id]


def test_reading_without_a_row_leaves_no_receipt(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    reply = client_for(org.iago).update_message_flags(
        {"messages": [mid], "op": "add", "flag": "read"}
    )
    assert reply["result"] == "success"
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == []


def test_marking_unread_removes_the_receipt(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    zserver.mark_read(org.othello, [mid])
    client_for(org.othello).update_message_flags(
        {"messages": [mid], "op": "remove", "flag": "read"}
    )
    assert receipts(client_for, org.hamlet, mid)["user_ids"] == []


def test_access_rules(zserver, org, client_for):
    public = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    assert receipts(client_for, org.iago, public)["result"] == "success"  # not subscribed
    dm = zserver.send_direct(org.hamlet, [org.othello], "private")
    for viewer in (org.bot, org.iago):
        assert receipts(client_for, viewer, dm)["msg"] == "Invalid message(s)"
    assert receipts(client_for, org.othello, dm)["result"] == "success"
    secret = zserver.create_channel("secret", [org.hamlet, org.othello], private=True)
    protected = zserver.create_channel(
        "protected", [org.hamlet], private=True, history_public=False
    )
    in_secret = zserver.send_message(org.hamlet, secret, "t", "m")
    assert receipts(client_for, org.iago, in_secret)["msg"] == "Invalid message(s)"
    assert receipts(client_for, org.othello, in_secret)["result"] == "success"
    old = zserver.send_message(org.hamlet, protected, "t", "before othello joined")
    zserver.subscribe(org.othello, protected)
    assert receipts(client_for, org.othello, old)["msg"] == "Invalid message(s)"
    assert receipts(client_for, org.hamlet, 999_999)["code"] == "BAD_REQUEST"


def test_disabled_realm_error_comes_after_the_access_check(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    dm = zserver.send_direct(org.hamlet, [org.othello], "private")
    zserver.set_realm_read_receipts(False)
    disabled = receipts(client_for, org.hamlet, mid)
    assert disabled == {
        "result": "error",
        "msg": "Read receipts are disabled in this organization.",
        "code": "BAD_REQUEST",
    }
    assert receipts(client_for, org.bot, dm)["msg"] == "Invalid message(s)"
    assert receipts(client_for, org.bot, 999_999)["msg"] == "Invalid message(s)"


def test_non_integer_id_is_django_404_page(zserver, org, raw):
    reply = raw.get(
        f"{zserver.url}/api/v1/messages/abc/read_receipts",
        auth=(org.hamlet.email, org.hamlet.api_key),
    )
    assert reply.status_code == 404
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in reply.text


def test_endpoint_does_not_exist_before_feature_level_137(raw):
    with LocalZulip(feature_level=136, rate_limit=None) as old:
        user = old.create_user("King Hamlet")
        old.create_channel("c", [user])
        mid = old.send_message(user, "c", "t", "m")
        reply = requests.get(
            f"{old.url}/api/v1/messages/{mid}/read_receipts", auth=(user.email, user.api_key)
        )
        assert reply.status_code == 404
        assert "Page not found" in reply.text


def test_python_api_answers_like_the_endpoint(zserver, org, client_for):
    mid = zserver.send_message(org.hamlet, "Denmark", "r", "m")
    zserver.mark_read(org.othello, [mid])
    zserver.mark_read(org.cordelia, [mid])
    zserver.mute_user(org.hamlet, org.cordelia)
    expected = receipts(client_for, org.hamlet, mid)["user_ids"]
    assert zserver.read_receipt_user_ids(mid, as_user=org.hamlet) == expected == [org.othello.id]
