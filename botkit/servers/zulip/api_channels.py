"""Channels: GET /streams, /streams/{id}, /get_stream_id, /streams/{id}/members and the caller's
subscriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botkit.servers._http import Request, Response
from botkit.servers.zulip.errors import ZulipError, success
from botkit.servers.zulip.model import Channel, ZUser
from botkit.servers.zulip.params import Params
from botkit.servers.zulip.payloads import stream_dict, subscription_dict

if TYPE_CHECKING:
    from botkit.servers.zulip.server import LocalZulip

__all__ = ["get_stream", "get_stream_id", "get_streams", "get_subscribers", "get_subscriptions"]


def _members(srv: LocalZulip, channel: Channel) -> list[int]:
    return sorted(uid for uid in channel.subscribers if srv.state.users[uid].is_active)


def _accessible(srv: LocalZulip, user: ZUser, channel_id: int) -> Channel:
    channel = srv.state.channels.get(channel_id)
    if channel is None or channel.id not in srv.state.visible_channel_ids(user):
        raise ZulipError("Invalid channel ID")
    return channel


def get_streams(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    visible = srv.state.visible_channel_ids(user)
    streams = []
    for channel in srv.state.channels.values():
        if channel.id in visible:
            d = stream_dict(channel)
            d["is_default"] = False
            streams.append(d)
    return success(streams=streams)


def get_stream(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    channel = _accessible(srv, user, int(request.params["stream_id"]))
    d = stream_dict(channel)
    d["is_default"] = False
    return success(stream=d)


def get_stream_id(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    name = Params(request).text("stream")
    channel = srv.state.channel_by_name(name)
    if channel is None or channel.id not in srv.state.visible_channel_ids(user):
        raise ZulipError(f"Invalid channel name '{name}'")
    return success(stream_id=channel.id)


def get_subscribers(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    channel = _accessible(srv, user, int(request.params["stream_id"]))
    return success(subscribers=_members(srv, channel))


def get_subscriptions(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    include = Params(request).bool("include_subscribers", False)
    subs = [
        subscription_dict(c, subscribers=_members(srv, c) if include else None)
        for c in srv.state.channels.values()
        if user.id in c.subscribers
    ]
    return success(subscriptions=subs)
