"""The event queue: acknowledgement semantics, errors, long-polls, heartbeats, expiry, merging."""

from __future__ import annotations

import threading
import time
from typing import Any


def register(client: Any, **kwargs: Any) -> dict[str, Any]:
    reply: dict[str, Any] = client.register(**kwargs)
    assert reply["result"] == "success", reply
    return reply


def poll(client: Any, queue_id: str, last: int, dont_block: bool = True) -> dict[str, Any]:
    params: dict[str, Any] = {"queue_id": queue_id, "last_event_id": last}
    if dont_block:
        params["dont_block"] = True
    reply: dict[str, Any] = client.call_endpoint("events", method="GET", request=params)
    return reply


def test_last_event_id_acknowledges_and_both_errors(zserver, org, client_for):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["message"])["queue_id"]
    assert poll(bot, queue, 5)["msg"] == "Event 5 was not in this queue"
    zserver.send_message(org.hamlet, "Denmark", "t", "one")
    events = poll(bot, queue, -1)["events"]
    assert [e["id"] for e in events] == [0]
    assert poll(bot, queue, 0)["events"] == []
    pruned = poll(bot, queue, -1)
    assert pruned == {
        "result": "error",
        "msg": "An event newer than -1 has already been pruned!",
        "code": "BAD_REQUEST",
    }


def test_too_high_last_event_id_deletes_pending_events(zserver, org, client_for):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["message"])["queue_id"]
    zserver.send_message(org.hamlet, "Denmark", "t", "one")
    assert poll(bot, queue, -1)["events"][0]["id"] == 0
    assert poll(bot, queue, 0)["events"] == []
    zserver.send_message(org.hamlet, "Denmark", "t", "two")  # pending event 1
    assert poll(bot, queue, 100)["msg"] == "Event 100 was not in this queue"
    assert poll(bot, queue, 0)["msg"] == "An event newer than 0 has already been pruned!"
    assert poll(bot, queue, 1) == {"result": "success", "msg": "", "events": []}


def test_missing_arguments_and_queue_creation_by_poll(org, client_for):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["message"])["queue_id"]
    missing_last = bot.call_endpoint("events", method="GET", request={"queue_id": queue})
    assert missing_last == {
        "result": "error",
        "msg": "Missing 'last_event_id' argument",
        "code": "BAD_REQUEST",
    }
    missing_queue = bot.call_endpoint("events", method="GET", request={"last_event_id": -1})
    assert missing_queue["msg"] == "Missing 'queue_id' argument"
    created = bot.call_endpoint("events", method="GET", request={"dont_block": True})
    assert created["events"] == []
    assert poll(bot, created["queue_id"], -1)["result"] == "success"


def test_bad_queue_for_other_user_after_delete_and_after_expiry(zserver, org, client_for):
    bot, hamlet = client_for(org.bot), client_for(org.hamlet)
    queue = register(bot, event_types=["message"])["queue_id"]
    other = poll(hamlet, queue, -1)
    assert other == {
        "result": "error",
        "msg": f"Bad event queue ID: {queue}",
        "queue_id": queue,
        "code": "BAD_EVENT_QUEUE_ID",
    }
    assert bot.deregister(queue)["result"] == "success"
    assert poll(bot, queue, -1)["code"] == "BAD_EVENT_QUEUE_ID"
    assert bot.deregister(queue)["code"] == "BAD_EVENT_QUEUE_ID"
    second = register(bot, event_types=["message"])["queue_id"]
    assert zserver.expire_queues(org.bot) == 1
    assert poll(bot, second, -1)["code"] == "BAD_EVENT_QUEUE_ID"


def test_queue_expires_after_its_lifespan_without_a_parked_poll(org, client_for, until):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["message"], queue_lifespan_secs=1)["queue_id"]
    until(lambda: poll(bot, queue, -1)["result"] == "error", timeout=5, what="queue expiry")
    assert poll(bot, queue, -1)["code"] == "BAD_EVENT_QUEUE_ID"


def test_parked_poll_is_woken_by_a_message_and_carries_queue_id(zserver, org, client_for, until):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["message"])["queue_id"]
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.update(poll(bot, queue, -1, False)))
    thread.start()
    until(lambda: zserver.state.hub.queues[queue].handler is not None, what="parked poll")
    zserver.send_message(org.hamlet, "Denmark", "t", "wake up")
    thread.join(5)
    assert result["queue_id"] == queue
    assert [e["type"] for e in result["events"]] == ["message"]
    assert result["events"][0]["message"]["content"] == "wake up"  # events carry Markdown


def test_heartbeat_after_the_configured_interval(zserver, org, client_for):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["message"])["queue_id"]
    started = time.monotonic()
    reply = poll(bot, queue, -1, dont_block=False)
    assert 0.9 <= time.monotonic() - started < 3
    assert reply["events"] == [{"type": "heartbeat", "id": 0}]
    assert reply["queue_id"] == queue


def test_flag_events_merge_and_list_only_changed_ids(zserver, org, client_for):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["update_message_flags"])["queue_id"]
    first = zserver.send_message(org.hamlet, "Denmark", "t", "one")
    second = zserver.send_message(org.hamlet, "Denmark", "t", "two")
    reply = bot.update_message_flags({"messages": [first, 999], "op": "add", "flag": "read"})
    assert reply["messages"] == [first, 999]
    bot.update_message_flags({"messages": [second], "op": "add", "flag": "read"})
    events = poll(bot, queue, -1)["events"]
    assert len(events) == 1
    assert events[0]["messages"] == [first, second]
    assert events[0]["id"] == 1
    bot.update_message_flags({"messages": [second], "op": "add", "flag": "read"})
    assert poll(bot, queue, 1)["events"][0]["messages"] == []
    bot.update_message_flags({"messages": [first], "op": "remove", "flag": "read"})
    removed = poll(bot, queue, 2)["events"][0]
    assert removed["message_details"] == {
        str(first): {
            "type": "stream",
            "stream_id": org.channel,
            "topic": "t",
            "unmuted_stream_msg": True,
        }
    }


def test_user_settings_event_only_on_change(zserver, org, client_for):
    othello = client_for(org.othello)
    queue = register(othello, event_types=["user_settings"])["queue_id"]
    change = {"send_read_receipts": False}
    assert othello.call_endpoint("settings", method="PATCH", request=change)["result"] == "success"
    othello.call_endpoint("settings", method="PATCH", request=change)
    events = poll(othello, queue, -1)["events"]
    assert events == [
        {"type": "user_settings", "op": "update", "property": "send_read_receipts",
         "value": False, "id": 0}
    ]  # fmt: skip
    assert zserver.set_send_read_receipts(org.othello, False) is False
    assert poll(othello, queue, 0)["events"] == []
    unknown = othello.call_endpoint(
        "settings/notifications", method="PATCH", request={"bogus_setting": 1}
    )
    assert unknown["ignored_parameters_unsupported"] == ["bogus_setting"]


def test_register_state_depends_on_wanted_types(org, client_for):
    bot = client_for(org.bot)
    only_messages = register(bot, event_types=["message"])
    assert set(only_messages) == {
        "result", "msg", "queue_id", "zulip_version", "zulip_feature_level",
        "zulip_merge_base", "max_message_id", "last_event_id",
    }  # fmt: skip
    full = register(
        bot,
        event_types=["message", "user_settings"],
        fetch_event_types=["user_settings", "realm"],
    )
    assert full["user_settings"]["send_read_receipts"] is True
    assert full["realm_enable_read_receipts"] is True
    assert full["event_queue_longpoll_timeout_seconds"] == 2
    assert "max_message_id" not in full


def test_deactivation_and_reactivation_events(zserver, org, client_for):
    bot = client_for(org.bot)
    queue = register(bot, event_types=["realm_user", "subscription"])["queue_id"]
    zserver.deactivate(org.othello)
    zserver.reactivate(org.othello)
    events = poll(bot, queue, -1)["events"]
    assert [e["person"] for e in events[:2]] == [
        {"user_id": org.othello.id, "is_active": False},
        {"user_id": org.othello.id, "is_active": True},
    ]
    assert events[2]["op"] == "peer_add"
    assert events[2]["stream_ids"] == [org.channel]
