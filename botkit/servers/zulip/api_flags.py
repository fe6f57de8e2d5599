"""POST /messages/flags, /messages/flags/narrow and the deprecated mark_*_as_read endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botkit.servers._http import Request, Response
from botkit.servers.zulip.errors import ZulipError, success
from botkit.servers.zulip.flags import update_flags, validate_flag_op
from botkit.servers.zulip.model import READ, ZUser
from botkit.servers.zulip.narrow import Narrow, fetch, parse_terms
from botkit.servers.zulip.params import Params, parse_anchor

if TYPE_CHECKING:
    from botkit.servers.zulip.server import LocalZulip

__all__ = [
    "mark_all_as_read",
    "mark_stream_as_read",
    "mark_topic_as_read",
    "update_message_flags",
    "update_message_flags_for_narrow",
]

MAX_MESSAGES_PER_UPDATE = 5000


def update_message_flags(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    p = Params(request)
    messages = p.int_list("messages")
    op = p.text("op")
    flag = p.text("flag")
    _, ignored = update_flags(srv.state, user, op, flag, messages)
    # The echo is the request's list as sent (kept by the server for compatibility).
    return success(messages=messages, ignored_because_not_subscribed_channels=ignored)


def update_message_flags_for_narrow(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    p = Params(request)
    anchor, anchor_name = parse_anchor(p.raw("anchor"), required=True)
    include_anchor = p.bool("include_anchor", True)
    num_before = p.int("num_before", minimum=0)
    num_after = p.int("num_after", minimum=0)
    terms = parse_terms(p.json("narrow"))
    op = p.text("op")
    flag = p.text("flag")
    # Silently shrink the range (no error), as the server does.
    num_before = min(num_before, max(MAX_MESSAGES_PER_UPDATE - num_after, 2500))
    num_after = min(num_after, MAX_MESSAGES_PER_UPDATE - num_before)
    narrow = Narrow(srv.state, user, terms)
    got = fetch(narrow, anchor, anchor_name, num_before, num_after, include_anchor=include_anchor)
    validate_flag_op(flag, op)
    changed, ignored = update_flags(srv.state, user, op, flag, got.ids)
    return success(
        processed_count=len(got.ids),
        updated_count=len(changed),
        first_processed_id=got.ids[0] if got.ids else None,
        last_processed_id=got.ids[-1] if got.ids else None,
        found_oldest=got.found_oldest,
        found_newest=got.found_newest,
        ignored_because_not_subscribed_channels=ignored,
    )


def mark_all_as_read(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    state = srv.state
    for mid in list(state.unread[user.id]):
        state.set_bits(user.id, mid, state.rows[user.id][mid] | READ)
    event = {
        "type": "update_message_flags",
        "op": "add",
        "operation": "add",
        "flag": "read",
        "messages": [],
        "all": True,
    }
    state.hub.send_to_user(user.id, event)
    return success(complete=True)


def _mark_read_where(srv: LocalZulip, user: ZUser, channel_id: int, topic: str | None) -> None:
    state = srv.state
    ids = [
        mid
        for mid in state.unread[user.id]
        if state.messages[mid].channel_id == channel_id
        and (topic is None or state.messages[mid].topic.lower() == topic.lower())
    ]
    if ids:
        update_flags(state, user, "add", "read", ids)


def mark_stream_as_read(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    channel_id = Params(request).int("stream_id")
    channel = srv.state.channels.get(channel_id)
    if channel is None or not srv.state.can_read_history(user, channel):
        raise ZulipError("Invalid channel ID")
    _mark_read_where(srv, user, channel_id, None)
    return success()


def mark_topic_as_read(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    p = Params(request)
    channel_id = p.int("stream_id")
    topic = p.text("topic_name")
    channel = srv.state.channels.get(channel_id)
    if channel is None or not srv.state.can_read_history(user, channel):
        raise ZulipError("Invalid channel ID")
    if topic.lower() not in channel.topic_senders:
        raise ZulipError(f"No such topic '{topic}'")
    _mark_read_where(srv, user, channel_id, topic)
    return success()
