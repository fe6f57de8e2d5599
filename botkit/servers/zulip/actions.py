"""State changes shared by the HTTP API and the Python/control API, each with its events
(the ``zerver/actions`` of the fake). Callers hold the server lock."""

from __future__ import annotations

import time
from typing import Any

from botkit.servers.zulip.errors import ZulipError
from botkit.servers.zulip.messaging import create_message, deliver
from botkit.servers.zulip.model import Channel, ZUser
from botkit.servers.zulip.payloads import subscription_dict
from botkit.servers.zulip.register import user_settings_of
from botkit.servers.zulip.state import RealmState

__all__ = [
    "do_deactivate",
    "do_mute",
    "do_reactivate",
    "do_send",
    "do_set_realm_read_receipts",
    "do_set_user_setting",
    "do_subscribe",
    "do_unmute",
    "do_unsubscribe",
]


def do_send(
    state: RealmState,
    sender: ZUser,
    *,
    content: str,
    client: str = "ZulipPython",
    channel: Channel | None = None,
    topic: str = "",
    to: list[ZUser] | None = None,
    read_by_sender: bool | None = None,
) -> tuple[int, dict[str, Any]]:
    """Send as ``sender``; returns the message id and extra POST /messages response keys."""
    dm_ids: tuple[int, ...] = ()
    if channel is None:
        dm_ids = tuple(sorted({u.id for u in to or []} | {sender.id}))
    message, flags, extra = create_message(
        state,
        sender,
        content=content,
        client=client,
        channel=channel,
        topic=topic,
        dm_user_ids=dm_ids,
        read_by_sender=read_by_sender,
    )
    deliver(state, message, flags)
    return message.id, extra


def do_set_user_setting(state: RealmState, user: ZUser, name: str, value: Any) -> bool:
    """Change one user setting; the ``user_settings`` event goes out only if it changed."""
    if name == "send_read_receipts":
        old: Any = user.send_read_receipts
    elif name == "timezone":
        old = user.timezone
    else:
        old = user_settings_of(user).get(name)
    if old == value:
        return False
    if name == "send_read_receipts":
        user.send_read_receipts = bool(value)
    elif name == "timezone":
        user.timezone = str(value)
    else:
        user.settings[name] = value
    state.hub.send_to_user(
        user.id, {"type": "user_settings", "op": "update", "property": name, "value": value}
    )
    return True


def do_set_realm_read_receipts(state: RealmState, enabled: bool) -> bool:
    if state.realm_read_receipts == enabled:
        return False
    state.realm_read_receipts = enabled
    event = {"type": "realm", "op": "update", "property": "enable_read_receipts", "value": enabled}
    state.hub.send_to_users([u.id for u in state.realm_users() if u.is_active], event)
    return True


def _muted_users_event(state: RealmState, muter: ZUser) -> None:
    muted = [{"id": uid, "timestamp": ts} for uid, ts in state.mutes[muter.id].items()]
    state.hub.send_to_user(muter.id, {"type": "muted_users", "muted_users": muted})


def do_mute(state: RealmState, muter: ZUser, muted: ZUser) -> None:
    if muter.id == muted.id:
        raise ZulipError("Cannot mute self")
    if muted.id in state.mutes[muter.id]:
        raise ZulipError("User already muted")
    state.mutes[muter.id][muted.id] = int(time.time())
    _muted_users_event(state, muter)


def do_unmute(state: RealmState, muter: ZUser, muted: ZUser) -> None:
    if muted.id not in state.mutes[muter.id]:
        raise ZulipError("User is not muted")
    del state.mutes[muter.id][muted.id]
    _muted_users_event(state, muter)


def _realm_user_active_event(state: RealmState, user: ZUser) -> None:
    event = {
        "type": "realm_user",
        "op": "update",
        "person": {"user_id": user.id, "is_active": user.is_active},
    }
    state.hub.send_to_users([u.id for u in state.realm_users() if u.is_active], event)


def do_deactivate(state: RealmState, user: ZUser) -> None:
    if not user.is_active:
        return
    user.is_active = False
    _realm_user_active_event(state, user)


def do_reactivate(state: RealmState, user: ZUser) -> None:
    """Reactivation also tells everyone who can see them about the user's channels (peer_add)."""
    if user.is_active:
        return
    user.is_active = True
    _realm_user_active_event(state, user)
    channels = {c.id for c in state.channels.values() if user.id in c.subscribers}
    for other in state.realm_users():
        if not other.is_active:
            continue
        visible = sorted(channels & state.visible_channel_ids(other))
        if visible:
            event = {
                "type": "subscription",
                "op": "peer_add",
                "stream_ids": visible,
                "user_ids": [user.id],
            }
            state.hub.send_to_user(other.id, event)


def _peer_event(state: RealmState, op: str, channel: Channel, user: ZUser) -> None:
    event = {"type": "subscription", "op": op, "stream_ids": [channel.id], "user_ids": [user.id]}
    for other in state.realm_users():
        visible = channel.is_public or other.id in channel.subscribers
        if other.id != user.id and other.is_active and visible:
            state.hub.send_to_user(other.id, event)


def do_subscribe(state: RealmState, user: ZUser, channel: Channel) -> bool:
    if user.id in channel.subscribers:
        return False
    channel.subscribers.add(user.id)
    user.left_channels.discard(channel.id)
    members = sorted(uid for uid in channel.subscribers if state.users[uid].is_active)
    sub = subscription_dict(channel, subscribers=members)
    state.hub.send_to_user(user.id, {"type": "subscription", "op": "add", "subscriptions": [sub]})
    _peer_event(state, "peer_add", channel, user)
    return True


def do_unsubscribe(state: RealmState, user: ZUser, channel: Channel) -> bool:
    if user.id not in channel.subscribers:
        return False
    channel.subscribers.discard(user.id)
    user.left_channels.add(channel.id)
    removed = {"name": channel.name, "stream_id": channel.id}
    state.hub.send_to_user(
        user.id, {"type": "subscription", "op": "remove", "subscriptions": [removed]}
    )
    _peer_event(state, "peer_remove", channel, user)
    return True
