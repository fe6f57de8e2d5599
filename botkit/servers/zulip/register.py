"""The initial state POST /register returns, per wanted type (``zerver/lib/events.py``).

A type is wanted if it is in ``fetch_event_types`` when given, else in ``event_types`` when given,
else always. So a bot registering with only ``event_types=["message"]`` gets ``max_message_id``
and nothing about its ``send_read_receipts`` setting or the realm's receipts switch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botkit.servers.zulip.model import MENTIONED, STREAM_WILDCARD, TOPIC_WILDCARD, ZUser
from botkit.servers.zulip.payloads import stream_dict, subscription_dict, user_dict
from botkit.servers.zulip.realm_defaults import REALM_STATE, USER_SETTINGS
from botkit.servers.zulip.state import RealmState

__all__ = ["RegisterOptions", "initial_state", "user_settings_of"]

_SERVER_STARTED = int(time.time())


class RegisterOptions:
    def __init__(
        self,
        wanted: Callable[[str], bool],
        *,
        url: str,
        longpoll_timeout: float,
        include_subscribers: bool,
        notification_settings_null: bool,
    ) -> None:
        self.wanted = wanted
        self.url = url
        self.longpoll_timeout = longpoll_timeout
        self.include_subscribers = include_subscribers
        self.notification_settings_null = notification_settings_null


def user_settings_of(user: ZUser) -> dict[str, Any]:
    settings = dict(USER_SETTINGS)
    settings.update(user.settings)
    settings["send_read_receipts"] = user.send_read_receipts
    settings["timezone"] = user.timezone
    return settings


def initial_state(state: RealmState, user: ZUser, opts: RegisterOptions) -> dict[str, Any]:
    want = opts.wanted
    out: dict[str, Any] = {}
    if want("message"):
        out["max_message_id"] = state.max_message_id(user.id)
    if want("realm"):
        out.update(_realm(state, opts))
    if want("realm_user"):
        out.update(_realm_user(state, user, opts.url))
    if want("subscription"):
        out.update(_subscriptions(state, user, opts))
    if want("message") and want("update_message_flags"):
        out["unread_msgs"] = _unread_msgs(state, user)
    if want("user_settings"):
        out["user_settings"] = user_settings_of(user)
    if want("realm_user"):
        out["realm_users"] = [
            user_dict(state, u, user, with_active=False, with_profile_data=True)
            for u in state.realm_users()
            if u.is_active
        ]
        out["realm_non_active_users"] = [
            user_dict(state, u, user, with_active=False, with_profile_data=True)
            for u in state.realm_users()
            if not u.is_active
        ]
    return out


def _realm(state: RealmState, opts: RegisterOptions) -> dict[str, Any]:
    realm = {k: (opts.url if v == "{url}" else v) for k, v in REALM_STATE.items()}
    realm["realm_enable_read_receipts"] = state.realm_read_receipts
    realm["max_file_upload_size_mib"] = state.max_file_upload_size_mib
    realm["event_queue_longpoll_timeout_seconds"] = max(1, round(opts.longpoll_timeout))
    realm["realm_date_created"] = _SERVER_STARTED
    realm["server_generation"] = _SERVER_STARTED
    realm["realm_bot_domain"] = state.host
    return realm


def _realm_user(state: RealmState, user: ZUser, url: str) -> dict[str, Any]:
    bots = [state.users[i] for i in sorted(state.system_bot_ids)]
    return {
        "cross_realm_bots": [user_dict(state, b, user) for b in bots],
        "avatar_source": "G",
        "avatar_url_medium": f"{url}/avatar/{user.id}/medium",
        "avatar_url": f"{url}/avatar/{user.id}",
        "can_create_private_streams": not user.is_guest,
        "can_create_public_streams": not user.is_guest,
        "can_create_web_public_streams": False,
        "can_create_streams": not user.is_guest,
        "can_invite_others_to_realm": not user.is_guest,
        "is_admin": user.is_admin,
        "is_owner": user.role == 100,
        "is_moderator": user.role == 300,
        "is_guest": user.is_guest,
        "user_id": user.id,
        "email": state.public_email(user),
        "delivery_email": user.email,
        "full_name": user.full_name,
    }


def _subscriptions(state: RealmState, user: ZUser, opts: RegisterOptions) -> dict[str, Any]:
    def subscribers(channel_id: int) -> list[int] | None:
        if not opts.include_subscribers:
            return None
        channel = state.channels[channel_id]
        return sorted(uid for uid in channel.subscribers if state.users[uid].is_active)

    subscribed, unsubscribed, never = [], [], []
    for channel in state.channels.values():
        if user.id in channel.subscribers:
            subscribed.append(
                subscription_dict(
                    channel,
                    notification_settings_null=opts.notification_settings_null,
                    subscribers=subscribers(channel.id),
                )
            )
        elif channel.id in user.left_channels:
            unsubscribed.append(subscription_dict(channel, subscribers=subscribers(channel.id)))
        elif channel.is_public and not user.is_guest:
            d = stream_dict(channel)
            members = subscribers(channel.id)
            if members is not None:
                d["subscribers"] = members
            never.append(d)
    return {"subscriptions": subscribed, "unsubscribed": unsubscribed, "never_subscribed": never}


def _unread_msgs(state: RealmState, user: ZUser) -> dict[str, Any]:
    pms: dict[int, list[int]] = {}
    huddles: dict[str, list[int]] = {}
    streams: dict[tuple[int, str], list[int]] = {}
    mentions = []
    rows = state.rows[user.id]
    unread_ids = state.unread[user.id][-50000:]
    for mid in unread_ids:
        message = state.messages[mid]
        if message.channel_id is not None:
            streams.setdefault((message.channel_id, message.topic), []).append(mid)
        elif len(message.dm_user_ids) <= 2:
            other = [uid for uid in message.dm_user_ids if uid != user.id] or [user.id]
            pms.setdefault(other[0], []).append(mid)
        else:
            huddles.setdefault(",".join(map(str, message.dm_user_ids)), []).append(mid)
        if rows[mid] & (MENTIONED | STREAM_WILDCARD | TOPIC_WILDCARD):
            mentions.append(mid)
    return {
        "pms": [
            {"other_user_id": k, "sender_id": k, "unread_message_ids": v} for k, v in pms.items()
        ],
        "streams": [
            {"stream_id": cid, "topic": topic, "unread_message_ids": v}
            for (cid, topic), v in streams.items()
        ],
        "huddles": [{"user_ids_string": k, "unread_message_ids": v} for k, v in huddles.items()],
        "mentions": mentions,
        "count": len(unread_ids),
        "old_unreads_missing": len(state.unread[user.id]) > 50000,
    }
