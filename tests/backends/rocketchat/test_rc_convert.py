"""Rocket.Chat JSON to neutral models: dates, mentions, links, conversations."""

from __future__ import annotations

from datetime import UTC, datetime

from botkit.backends.rocketchat.convert import (
    RoomInfo,
    format_ts,
    mentions_user,
    message_link,
    parse_ts,
    to_message,
    to_user,
)
from botkit.models import ConversationKind, User

BOT = User(id="bot1", name="Bot", username="bot")
SERVER = "https://chat.example.org/"


def test_iso_and_ejson_dates_parse_to_aware_utc() -> None:
    expected = datetime(2026, 11, 22, 1, 2, 3, 456000, tzinfo=UTC)
    assert parse_ts("2026-11-22T01:02:03.456Z") == expected
    assert parse_ts({"$date": expected.timestamp() * 1000}) == expected
    assert parse_ts("not a date") is None
    assert parse_ts(None) is None


def test_format_truncates_to_milliseconds_with_z() -> None:
    moment = datetime(2026, 11, 22, 1, 2, 3, 456999, tzinfo=UTC)
    assert format_ts(moment) == "2026-11-22T01:02:03.456Z"
    assert parse_ts(format_ts(moment)) == moment.replace(microsecond=456000)


def test_mentions_list_or_at_username_as_a_whole_word() -> None:
    assert mentions_user({"msg": "hi", "mentions": [{"_id": "bot1"}]}, BOT)
    assert mentions_user({"msg": "hey @bot, help"}, BOT)
    assert mentions_user({"msg": "@bot."}, BOT)
    assert not mentions_user({"msg": "hey @botkit"}, BOT)
    assert not mentions_user({"msg": "mail me at x@bot"}, BOT)
    assert not mentions_user({"msg": "@bot.team is another user"}, BOT)
    assert not mentions_user({"msg": "hi", "mentions": [{"_id": "u2", "username": "alice"}]}, BOT)


def test_links_follow_the_web_client_per_room_type() -> None:
    channel = RoomInfo(id="r1", type="c", name="general")
    group = RoomInfo(id="r2", type="p", name="secret team")
    dm = RoomInfo(id="r3", type="d")
    assert message_link(SERVER, channel, "m1") == "https://chat.example.org/channel/general?msg=m1"
    assert (
        message_link(SERVER, group, "m1") == "https://chat.example.org/group/secret%20team?msg=m1"
    )
    assert message_link(SERVER, dm, "m&1") == "https://chat.example.org/direct/r3?msg=m%261"


def test_thread_reply_in_a_private_group_becomes_a_private_channel_thread() -> None:
    room = RoomInfo.from_json(
        {"_id": "r2", "t": "p", "name": "team", "lm": "2026-11-22T01:00:00.000Z", "msgs": 4}
    )
    raw = {
        "_id": "m9",
        "rid": "r2",
        "msg": "!help @bot",
        "ts": "2026-11-22T01:00:01.000Z",
        "u": {"_id": "u1", "username": "alice", "name": "Alice"},
        "tmid": "m1",
    }
    message = to_message(raw, room, BOT, SERVER)
    assert message.conversation.kind is ConversationKind.CHANNEL
    assert message.conversation.thread_id == "m1"
    assert message.conversation.private
    assert message.sender == User(id="u1", name="Alice", username="alice")
    assert message.mentions_bot
    assert message.link.endswith("/group/team?msg=m9")
    assert room.message_count == 4


def test_direct_room_lists_participants() -> None:
    room = RoomInfo.from_json({"_id": "d1", "t": "d", "uids": ["u1", "bot1"]})
    conversation = room.conversation()
    assert conversation.is_direct
    assert conversation.participants == ("u1", "bot1")


def test_users_carry_bot_role_and_active_flag() -> None:
    user = to_user({"_id": "b", "username": "helper", "roles": ["bot"], "active": False})
    assert user.is_bot
    assert not user.is_active
    assert user.name == "helper"  # no display name: the handle
