"""Auth failures, error shapes, messages and flags endpoints, fault injection, request log, and
the control API, through the official client or plain requests."""

from __future__ import annotations

import base64
import json

import requests

from botkit.servers.zulip import LocalZulip


def test_auth_failures(zserver, org, raw):
    url = f"{zserver.url}/api/v1/users/me"
    www = 'Basic realm="zulip"'

    def get(**kwargs):
        return raw.get(url, **kwargs)

    invalid = "Invalid authorization header for basic auth"
    cases = [
        (get(auth=(org.hamlet.email, "not-a-real-key")), "Malformed API key"),
        (get(auth=(org.hamlet.email, "a" * 32)), "Invalid API key"),
        (get(auth=(org.othello.email, org.hamlet.api_key)), "Invalid API key"),
        (get(auth=("nobody@zulip.com", org.hamlet.api_key)), "Invalid API key"),
        (get(), "Not logged in: API authentication or user session required"),
        (get(headers={"Authorization": ""}), invalid),
        (
            get(headers={"Authorization": "Basic !!!"}),
            invalid,
        ),
        (
            get(headers={"Authorization": "Basic " + base64.b64encode(b"hamlet").decode()}),
            invalid,
        ),
    ]
    for reply, msg in cases:
        assert reply.status_code == 401, msg
        assert reply.json() == {"result": "error", "msg": msg, "code": "UNAUTHORIZED"}
        assert reply.headers["WWW-Authenticate"] == www
    bearer = get(headers={"Authorization": "Bearer abc"})
    assert bearer.status_code == 400
    assert bearer.json()["msg"] == "This endpoint requires HTTP basic authentication."
    assert "WWW-Authenticate" not in bearer.headers
    zserver.deactivate(org.othello)
    gone = get(auth=(org.othello.email, org.othello.api_key))
    assert (gone.status_code, gone.json()["msg"]) == (401, "Account is deactivated")


def test_405_and_404_shapes(zserver, org, raw):
    auth = (org.hamlet.email, org.hamlet.api_key)
    wrong = raw.put(f"{zserver.url}/api/v1/users/me", auth=auth)
    assert wrong.status_code == 405
    assert wrong.headers["Content-Type"] == "text/html; charset=utf-8"
    assert json.loads(wrong.text) == {
        "result": "error",
        "msg": "Method Not Allowed",
        "allowed_methods": ["GET", "HEAD"],
    }
    unknown = raw.get(f"{zserver.url}/api/v1/no/such/endpoint", auth=auth)
    assert unknown.status_code == 404
    assert "Page not found at /api/v1/no/such/endpoint" in unknown.text


def test_send_errors_and_recipient_forms(zserver, org, client_for):
    bot = client_for(org.bot)
    missing_to = bot.call_endpoint("messages", request={"type": "stream", "content": "x"})
    assert missing_to == {"result": "error", "msg": "Missing channel", "code": "BAD_REQUEST"}
    no_topic = bot.send_message({"type": "stream", "to": "Denmark", "content": "x"})
    assert no_topic["msg"] == "Missing topic"
    unknown = bot.send_message({"type": "stream", "to": "nope", "topic": "t", "content": "x"})
    assert unknown == {
        "result": "error",
        "msg": "Channel 'nope' does not exist",
        "stream": "nope",
        "code": "STREAM_DOES_NOT_EXIST",
    }
    by_id = bot.send_message({"type": "channel", "to": org.channel, "topic": "t", "content": "x"})
    group = bot.send_message(
        {"type": "private", "to": [org.hamlet.id, org.othello.id], "content": "hi"}
    )
    by_email = bot.send_message({"type": "direct", "to": [org.hamlet.email], "content": "hi"})
    assert all(r["result"] == "success" for r in (by_id, group, by_email))
    assert zserver.message_flags(org.bot, by_id["id"]) == set()  # own message starts unread
    read = bot.send_message(
        {"type": "stream", "to": "Denmark", "topic": "t", "content": "x", "read_by_sender": True}
    )
    assert zserver.message_flags(org.bot, read["id"]) == {"read"}


def test_mentions_set_flags(zserver, org):
    plain = zserver.send_message(org.hamlet, "Denmark", "t", "@**Receipt Bot** help")
    by_id = zserver.send_message(org.hamlet, "Denmark", "t", f"@**x|{org.bot.id}** help")
    silent = zserver.send_message(org.hamlet, "Denmark", "t", "@_**Receipt Bot** fyi")
    everyone = zserver.send_message(org.hamlet, "Denmark", "t", "@**all** hello")
    assert zserver.message_flags(org.bot, plain) == {"mentioned"}
    assert zserver.message_flags(org.bot, by_id) == {"mentioned"}
    assert zserver.message_flags(org.bot, silent) == set()
    assert zserver.message_flags(org.bot, everyone) == {"stream_wildcard_mentioned"}


def test_fetch_anchors_and_limits(zserver, org, client_for):
    bot = client_for(org.bot)
    ids = [zserver.send_message(org.hamlet, "Denmark", "fetch", f"m{i}") for i in range(3)]
    zserver.mark_read(org.bot, ids[:1])
    unread = bot.get_messages(
        {"anchor": "first_unread", "num_before": 0, "num_after": 10,
         "narrow": [{"operator": "is", "operand": "unread"}]}
    )  # fmt: skip
    assert [m["id"] for m in unread["messages"]] == ids[1:]
    assert unread["anchor"] == ids[1]
    assert unread["found_anchor"] is True
    assert unread["messages"][0]["content"] == "<p>m1</p>"
    newest = bot.get_messages({"anchor": "newest", "num_before": 2, "num_after": 0})
    assert newest["anchor"] == 10_000_000_000_000_000
    assert [m["id"] for m in newest["messages"]] == ids[1:]
    oldest = bot.get_messages({"anchor": "oldest", "num_before": 0, "num_after": 1})
    assert (oldest["anchor"], oldest["found_oldest"]) == (0, True)
    too_many = bot.get_messages({"anchor": "newest", "num_before": 3000, "num_after": 2001})
    assert too_many["msg"] == "Too many messages requested (maximum 5000)."
    bogus = bot.get_messages({"anchor": "bogus", "num_before": 1, "num_after": 1})
    assert bogus["msg"] == "Invalid anchor"
    missing = bot.call_endpoint("messages", method="GET", request={"num_before": 1})
    assert (missing["msg"], missing["code"]) == ("Missing 'anchor' argument.", "BAD_REQUEST")
    assert "var_name" not in missing


def test_flags_validation_order_and_unsubscribed_channel(zserver, org, client_for):
    bot = client_for(org.bot)
    mid = zserver.send_message(org.hamlet, "Denmark", "t", "x")
    flags = bot.update_message_flags
    assert flags({"messages": [mid], "op": "x", "flag": "bogus"})["msg"] == "Invalid flag: 'bogus'"
    assert flags({"messages": [mid], "op": "x", "flag": "mentioned"})["msg"] == (
        "Flag not editable: 'mentioned'"
    )
    assert flags({"messages": [mid], "op": "toggle", "flag": "read"})["msg"] == (
        "Invalid message flag operation: 'toggle'"
    )
    no_op = bot.call_endpoint("messages/flags", request={"messages": [mid], "flag": "read"})
    assert no_op == {
        "result": "error",
        "msg": "Missing 'op' argument",
        "var_name": "op",
        "code": "REQUEST_VARIABLE_MISSING",
    }
    bad_json = bot.call_endpoint(
        "messages/flags", request={"messages": "[1,", "op": "add", "flag": "read"}
    )
    assert bad_json["msg"] == "messages is not valid JSON"
    verona = zserver.create_channel("Verona", [org.hamlet])
    elsewhere = zserver.send_message(org.hamlet, "Verona", "t", "x")
    skipped = flags({"messages": [elsewhere], "op": "remove", "flag": "read"})
    assert skipped["ignored_because_not_subscribed_channels"] == [verona]
    dm = zserver.send_direct(org.hamlet, [org.othello], "private")
    assert flags({"messages": [dm], "op": "remove", "flag": "read"})["msg"] == (
        "Invalid message(s)"
    )


def test_flags_for_narrow_clamps_and_reports(zserver, org, client_for):
    bot = client_for(org.bot)
    ids = [zserver.send_message(org.hamlet, "Denmark", "n", f"m{i}") for i in range(2)]
    narrow = [
        {"operator": "channel", "operand": "Denmark"},
        {"operator": "is", "operand": "unread"},
    ]
    reply = bot.call_endpoint(
        "messages/flags/narrow",
        request={"anchor": "oldest", "num_before": 0, "num_after": 1000, "narrow": narrow,
                 "op": "add", "flag": "read"},
    )  # fmt: skip
    assert reply["processed_count"] == reply["updated_count"] == 2
    assert (reply["first_processed_id"], reply["last_processed_id"]) == (ids[0], ids[1])
    big = bot.call_endpoint(
        "messages/flags/narrow",
        request={"anchor": "newest", "num_before": 6000, "num_after": 6000, "narrow": [],
                 "op": "add", "flag": "read"},
    )  # fmt: skip
    assert (big["result"], big["updated_count"]) == ("success", 0)
    excluded = bot.call_endpoint(
        "messages/flags/narrow",
        request={"anchor": ids[0], "include_anchor": False, "num_before": 1, "num_after": 1,
                 "narrow": [], "op": "add", "flag": "read"},
    )  # fmt: skip
    assert excluded["msg"] == "The anchor can only be excluded at an end of the range"
    missing = bot.call_endpoint(
        "messages/flags/narrow",
        request={"num_before": 0, "num_after": 1, "narrow": [], "op": "add", "flag": "read"},
    )
    assert (missing["code"], missing["var_name"]) == ("REQUEST_VARIABLE_MISSING", "anchor")


def test_users_channels_and_subscriptions(zserver, org, client_for):
    bot = client_for(org.bot)
    me = bot.get_profile()
    assert (me["user_id"], me["is_bot"], me["bot_owner_id"]) == (org.bot.id, True, org.hamlet.id)
    assert bot.get_user_by_id(999_999)["msg"] == "No such user"
    assert {u["user_id"] for u in bot.get_members()["members"]} >= {org.hamlet.id, org.bot.id}
    subs = bot.get_subscriptions({"include_subscribers": True})["subscriptions"]
    assert subs[0]["name"] == "Denmark"
    assert org.bot.id in subs[0]["subscribers"]
    assert bot.get_stream_id("Denmark")["stream_id"] == org.channel
    assert bot.get_stream_id("nope")["msg"] == "Invalid channel name 'nope'"
    members = bot.call_endpoint(f"streams/{org.channel}/members", method="GET")
    assert org.hamlet.id in members["subscribers"]


def test_fault_injection_and_request_log_through_the_client(zserver, org, client_for):
    bot = client_for(org.bot)
    zserver.fail_next("/api/v1/users/me", 1, mode="502")
    assert bot.get_profile()["user_id"] == org.bot.id  # the client retried once
    log = zserver.requests(path="/api/v1/users/me", method="GET")
    assert [r.status for r in log] == [502, 200]
    assert log[1].user == org.bot.email  # injected faults answer before authentication
    bot.update_message_flags({"messages": [1], "op": "add", "flag": "read"})
    (flag_call,) = zserver.requests(path="/api/v1/messages/flags", user=org.bot.email)
    assert flag_call.data == {"messages": "[1]", "op": "add", "flag": "read"}


def test_control_api_drives_the_server():
    with LocalZulip(rate_limit=None) as server:
        base = f"{server.url}/botkit-control"
        alice = requests.post(f"{base}/create_user", json={"full_name": "Alice Liddell"}).json()
        bot = requests.post(f"{base}/create_bot", json={"full_name": "Receipt Bot"}).json()
        channel = {"name": "general", "subscribers": [alice["email"], bot["email"]]}
        assert requests.post(f"{base}/create_channel", json=channel).json()["id"] >= 1
        sent = requests.post(
            f"{base}/send",
            json={"sender": alice["id"], "channel": "general", "topic": "t", "content": "hi"},
        ).json()
        requests.post(f"{base}/mark_read", json={"user": bot["email"], "messages": [sent["id"]]})
        receipts = requests.post(
            f"{base}/read_receipts", json={"message_id": sent["id"], "as_user": alice["id"]}
        ).json()
        assert receipts == {"user_ids": [bot["id"]]}
        bad = requests.post(f"{base}/send", json={"sender": "nobody@example.com"})
        assert bad.status_code == 400
        assert "missing field" in bad.json()["error"]
        assert requests.get(f"{base}/count_429").json() == {"count": 0}
