"""JSON objects as a Zulip 10.2 server shapes them: users, messages, channels, subscriptions."""

from __future__ import annotations

import json
from typing import Any

from botkit.servers.zulip.model import Channel, Message, ZUser, flag_list
from botkit.servers.zulip.state import RealmState

__all__ = [
    "message_dict",
    "message_event_json",
    "stream_dict",
    "subscription_dict",
    "user_dict",
]

#: Group ids of the system groups a new channel's permission settings point at.
_GROUP_EVERYONE, _GROUP_ADMINS, _GROUP_NOBODY = 15, 11, 9


def user_dict(
    state: RealmState,
    user: ZUser,
    viewer: ZUser,
    *,
    with_active: bool = True,
    with_profile_data: bool = False,
) -> dict[str, Any]:
    d: dict[str, Any] = {
        "email": state.public_email(user),
        "user_id": user.id,
        "avatar_version": 1,
        "is_admin": user.is_admin,
        "is_owner": user.role == 100,
        "is_guest": user.is_guest,
        "role": user.role,
        "is_bot": user.is_bot,
        "full_name": user.full_name,
        "timezone": user.timezone,
    }
    if with_active:
        d["is_active"] = user.is_active
    d["date_joined"] = user.date_joined
    d["delivery_email"] = state.delivery_email_for(user, viewer)
    # As on the real server: bots (gravatar-less) answer null here, people a URL.
    d["avatar_url"] = None if user.is_bot else state.avatar_url(user)
    if user.is_bot:
        d["bot_type"] = 1
        if user.id in state.system_bot_ids:
            d["is_system_bot"] = True
        d["bot_owner_id"] = user.bot_owner_id
    elif with_profile_data:
        d["profile_data"] = {}
    return d


def _display_recipient(state: RealmState, message: Message) -> Any:
    if message.channel_id is not None:
        return state.channels[message.channel_id].name
    return [
        {
            "id": uid,
            "email": state.public_email(state.users[uid]),
            "full_name": state.users[uid].full_name,
            "is_mirror_dummy": False,
        }
        for uid in message.dm_user_ids
    ]


def message_dict(
    state: RealmState, message: Message, apply_markdown: bool, flags: int | None = None
) -> dict[str, Any]:
    """The message object; with ``flags`` (GET /messages) the ``flags`` list is included.
    ``apply_markdown`` picks HTML (``text/html``) or the raw Markdown (``text/x-markdown``)."""
    sender = state.users[message.sender_id]
    d: dict[str, Any] = {
        "id": message.id,
        "sender_id": sender.id,
        "content": message.rendered if apply_markdown else message.content,
        "recipient_id": message.recipient_id,
        "timestamp": message.timestamp,
        "client": message.client,
        "subject": message.topic,
        "topic_links": [],
        "is_me_message": message.content.startswith("/me "),
        "reactions": [],
        "submessages": [],
    }
    if flags is not None:
        d["flags"] = flag_list(flags)
    d["sender_full_name"] = sender.full_name
    d["sender_email"] = state.public_email(sender)
    d["sender_realm_str"] = "zulipinternal" if sender.id in state.system_bot_ids else "zulip"
    d["display_recipient"] = _display_recipient(state, message)
    d["type"] = message.type
    if message.channel_id is not None:
        d["stream_id"] = message.channel_id
    d["avatar_url"] = None if sender.is_bot else state.avatar_url(sender)
    d["content_type"] = "text/html" if apply_markdown else "text/x-markdown"
    return d


def message_event_json(state: RealmState, message: Message, apply_markdown: bool) -> str:
    """The message object of ``message`` events, JSON-encoded once and shared by all queues."""
    cached = message.event_json.get(apply_markdown)
    if cached is None:
        cached = json.dumps(message_dict(state, message, apply_markdown), separators=(",", ":"))
        message.event_json[apply_markdown] = cached
    return cached


def stream_dict(channel: Channel) -> dict[str, Any]:
    return {
        "is_archived": False,
        "can_add_subscribers_group": _GROUP_NOBODY,
        "can_administer_channel_group": _GROUP_NOBODY,
        "can_send_message_group": _GROUP_EVERYONE,
        "can_remove_subscribers_group": _GROUP_ADMINS,
        "can_subscribe_group": _GROUP_NOBODY,
        "creator_id": channel.creator_id,
        "date_created": channel.date_created,
        "description": channel.description,
        "first_message_id": channel.message_ids[0] if channel.message_ids else None,
        "is_recently_active": True,
        "history_public_to_subscribers": channel.history_public_to_subscribers,
        "invite_only": channel.invite_only,
        "is_announcement_only": False,
        "is_web_public": False,
        "message_retention_days": None,
        "name": channel.name,
        "rendered_description": f"<p>{channel.description}</p>" if channel.description else "",
        "stream_id": channel.id,
        "stream_post_policy": 1,
        "stream_weekly_traffic": None,
    }


def subscription_dict(
    channel: Channel,
    *,
    notification_settings_null: bool = True,
    subscribers: list[int] | None = None,
) -> dict[str, Any]:
    """A subscription object. Per-channel notification settings are ``null`` ("use the global
    setting") unless a register call did not declare ``notification_settings_null``."""
    base = stream_dict(channel)
    notify: bool | None = None if notification_settings_null else False
    d: dict[str, Any] = {"is_archived": False, "audible_notifications": notify}
    for key in (
        "can_add_subscribers_group",
        "can_administer_channel_group",
        "can_send_message_group",
        "can_remove_subscribers_group",
        "can_subscribe_group",
    ):
        d[key] = base[key]
    if channel.creator_id is not None:
        admins = {"direct_members": [channel.creator_id], "direct_subgroups": []}
        d["can_administer_channel_group"] = admins
    d["color"] = channel.color
    for key in ("creator_id", "date_created", "description"):
        d[key] = base[key]
    d["desktop_notifications"] = notify
    d["email_notifications"] = notify
    for key in ("first_message_id", "is_recently_active", "history_public_to_subscribers"):
        d[key] = base[key]
    d["in_home_view"] = True
    for key in ("invite_only", "is_announcement_only"):
        d[key] = base[key]
    d["is_muted"] = False
    for key in ("is_web_public", "message_retention_days", "name"):
        d[key] = base[key]
    d["pin_to_top"] = False
    d["push_notifications"] = notify
    for key in ("rendered_description", "stream_id", "stream_post_policy"):
        d[key] = base[key]
    d["stream_weekly_traffic"] = None
    d["wildcard_mentions_notify"] = None
    if subscribers is not None:
        d["subscribers"] = subscribers
    return d
