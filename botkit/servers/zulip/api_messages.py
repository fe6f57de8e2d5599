"""Messages: fetch (GET /messages, GET /messages/{id}), send (POST /messages), read receipts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botkit.servers._http import Request, Response
from botkit.servers.zulip.actions import do_send
from botkit.servers.zulip.errors import ZulipError, invalid_messages, success
from botkit.servers.zulip.flags import read_receipt_user_ids
from botkit.servers.zulip.model import HISTORICAL, READ, Channel, ZUser
from botkit.servers.zulip.narrow import Narrow, fetch, parse_terms
from botkit.servers.zulip.params import Params, parse_anchor
from botkit.servers.zulip.payloads import message_dict

if TYPE_CHECKING:
    from botkit.servers.zulip.server import LocalZulip

__all__ = ["get_message", "get_messages", "read_receipts", "send_message"]

MAX_MESSAGES_PER_FETCH = 5000


def get_messages(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    p = Params(request)
    anchor, anchor_name = parse_anchor(p.raw("anchor"), required=False)
    num_before = p.int("num_before", 0, minimum=0)
    num_after = p.int("num_after", 0, minimum=0)
    if num_before + num_after > MAX_MESSAGES_PER_FETCH:
        raise ZulipError(f"Too many messages requested (maximum {MAX_MESSAGES_PER_FETCH}).")
    include_anchor = p.bool("include_anchor", True)
    apply_markdown = p.bool("apply_markdown", True)
    narrow = Narrow(srv.state, user, parse_terms(p.json("narrow", [])))
    got = fetch(narrow, anchor, anchor_name, num_before, num_after, include_anchor=include_anchor)
    state = srv.state
    messages = [
        message_dict(state, state.messages[mid], apply_markdown, narrow.bits(mid) or 0)
        for mid in got.ids
    ]
    return success(
        messages=messages,
        found_anchor=got.found_anchor,
        found_oldest=got.found_oldest,
        found_newest=got.found_newest,
        history_limited=False,
        anchor=got.anchor,
    )


def get_message(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    state = srv.state
    message = state.messages.get(int(request.params["message_id"]))
    if message is None or not state.has_access(user, message):
        raise invalid_messages()
    apply_markdown = Params(request).bool("apply_markdown", True)
    bits = state.rows[user.id].get(message.id, READ | HISTORICAL)
    return success(
        raw_content=message.content, message=message_dict(state, message, apply_markdown, bits)
    )


def read_receipts(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    """Check order as the server: the path id, then access, then the realm switch."""
    state = srv.state
    message = state.messages.get(int(request.params["message_id"]))
    if message is None or not state.has_access(user, message):
        raise invalid_messages()
    if not state.realm_read_receipts:
        raise ZulipError("Read receipts are disabled in this organization.")
    return success(user_ids=read_receipt_user_ids(state, message.id, user))


def _recipient_list(raw: str) -> list[Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return value if isinstance(value, list) else [value]


def _channel_for(srv: LocalZulip, user: ZUser, raw_to: str | None) -> Channel:
    if raw_to is None:
        raise ZulipError("Missing channel")
    targets = _recipient_list(raw_to)
    if len(targets) != 1:
        raise ZulipError("Cannot send to multiple channels")
    target = targets[0]
    state = srv.state
    if isinstance(target, int) and not isinstance(target, bool):
        channel = state.channels.get(target)
        if channel is None:
            raise ZulipError(
                f"Channel with ID '{target}' does not exist",
                "STREAM_WITH_ID_DOES_NOT_EXIST",
                stream_id=target,
            )
    else:
        channel = state.channel_by_name(str(target))
        if channel is None:
            raise ZulipError(
                f"Channel '{target}' does not exist", "STREAM_DOES_NOT_EXIST", stream=str(target)
            )
    if channel.invite_only and user.id not in channel.subscribers:
        raise ZulipError(f"Not authorized to send to channel '{channel.name}'")
    return channel


def _dm_recipients(srv: LocalZulip, raw_to: str | None) -> list[ZUser]:
    if raw_to is None:
        raise ZulipError("Message must have recipients")
    people = []
    for item in _recipient_list(raw_to):
        if isinstance(item, int) and not isinstance(item, bool):
            found = srv.state.users.get(item)
            if found is None:
                raise ZulipError(f"Invalid user ID {item}")
        else:
            found = srv.state.user_by_email(str(item))
            if found is None:
                raise ZulipError(f"Invalid email '{item}'")
        if not found.is_active:
            raise ZulipError(f"'{found.email}' is no longer using Zulip.")
        people.append(found)
    if not people:
        raise ZulipError("Message must have recipients")
    return people


def send_message(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    p = Params(request)
    kind = p.text("type")
    raw_to = p.raw("to")
    read_by_sender = p.bool("read_by_sender", None)
    client = srv.client_name(request)
    if kind in ("stream", "channel"):
        channel = _channel_for(srv, user, raw_to)
        topic = p.raw("topic")
        if topic is None:
            topic = p.raw("subject")
        if topic is None:
            raise ZulipError("Missing topic")
        content = _content(p)
        mid, extra = do_send(
            srv.state,
            user,
            content=content,
            client=client,
            channel=channel,
            topic=topic.strip()[:60],
            read_by_sender=read_by_sender,
        )
    elif kind in ("private", "direct"):
        people = _dm_recipients(srv, raw_to)
        content = _content(p)
        mid, extra = do_send(
            srv.state,
            user,
            content=content,
            client=client,
            to=people,
            read_by_sender=read_by_sender,
        )
    else:
        raise ZulipError("Invalid message type")
    return success(id=mid, **extra)


def _content(p: Params) -> str:
    content = str(p.text("content"))
    if not content.strip():
        raise ZulipError("Message must not be empty")
    return content
