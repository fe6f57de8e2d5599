"""The REST shapes of the stored documents (dates as ISO strings with milliseconds and Z)."""

from __future__ import annotations

from typing import Any

from .model import Message, RcUser, Receipt, Room, Subscription
from .state import RcState
from .util import iso

__all__ = [
    "PREFERENCES",
    "message_json",
    "receipt_json",
    "room_json",
    "subscription_json",
    "user_brief",
    "user_json",
]

# The user-preference keys `me` returns (Rocket.Chat's defaults).
PREFERENCES: dict[str, Any] = {
    "enableAutoAway": True,
    "idleTimeLimit": 300,
    "desktopNotificationRequireInteraction": False,
    "desktopNotifications": "all",
    "pushNotifications": "all",
    "unreadAlert": True,
    "useEmojis": True,
    "convertAsciiEmoji": True,
    "autoImageLoad": True,
    "saveMobileBandwidth": True,
    "collapseMediaByDefault": False,
    "hideUsernames": False,
    "hideRoles": False,
    "hideFlexTab": False,
    "displayAvatars": True,
    "sidebarGroupByType": True,
    "themeAppearence": "auto",
    "sidebarViewMode": "medium",
    "sidebarDisplayAvatar": True,
    "sidebarShowUnread": False,
    "sidebarSortby": "activity",
    "alsoSendThreadToChannel": "default",
    "sidebarShowFavorites": True,
    "sendOnEnter": "normal",
    "emailNotificationMode": "mentions",
    "newRoomNotification": "door",
    "newMessageNotification": "chime",
    "muteFocusedConversations": True,
    "notifyCalendarEvents": True,
    "enableMobileRinging": False,
    "notificationsSoundVolume": 100,
    "omnichannelTranscriptEmail": False,
    "omnichannelTranscriptPDF": False,
    "masterVolume": 100,
    "voipRingerVolume": 100,
}


def user_brief(user: RcUser) -> dict[str, Any]:
    return {"_id": user.id, "username": user.username, "name": user.name}


def user_json(user: RcUser) -> dict[str, Any]:
    return {
        "_id": user.id,
        "type": "bot" if user.is_bot else "user",
        "active": user.active,
        "name": user.name,
        "username": user.username,
        "status": "online" if user.active else "offline",
        "statusConnection": "offline",
        "utcOffset": 0,
        "roles": list(user.roles),
        "createdAt": iso(user.created),
        "_updatedAt": iso(user.updated),
    }


def message_json(state: RcState, message: Message) -> dict[str, Any]:
    sender = state.users[message.user_id]
    body: dict[str, Any] = {
        "_id": message.id,
        "rid": message.rid,
        "msg": message.msg,
        "ts": iso(message.ts),
        "u": user_brief(sender),
        "_updatedAt": iso(message.updated),
        "urls": [],
        "mentions": [{**user_brief(state.users[uid]), "type": "user"} for uid in message.mentions],
        "channels": [],
    }
    body.update(message.extra)
    if message.unread:
        body["unread"] = True  # present only while true: Rocket.Chat $unsets it
    if message.tmid is not None:
        body["tmid"] = message.tmid
        if message.tshow:
            body["tshow"] = True
    if message.tcount:
        body["tcount"] = message.tcount
        body["tlm"] = iso(message.tlm or message.ts)
        body["replies"] = list(message.replies)
    return body


def room_json(state: RcState, room: Room) -> dict[str, Any]:
    body: dict[str, Any] = {"_id": room.id, "t": room.type}
    if room.type == "d":
        users = state.members(room)
        body["usernames"] = sorted(u.username for u in users)
        body["uids"] = [u.id for u in users]
    else:
        creator = state.users.get(room.creator_id)
        body["name"] = room.name
        body["fname"] = room.fname
        if creator is not None:
            body["u"] = {"_id": creator.id, "username": creator.username}
        body["ro"] = False
        body["default"] = False
        body["sysMes"] = True
    body["msgs"] = room.msgs
    body["usersCount"] = len(room.members)
    body["ts"] = iso(room.ts)
    body["_updatedAt"] = iso(room.updated)
    if room.lm is not None:
        body["lm"] = iso(room.lm)
    if room.last_message is not None:
        body["lastMessage"] = message_json(state, room.last_message)
    return body


def subscription_json(state: RcState, sub: Subscription) -> dict[str, Any]:
    room = state.rooms[sub.rid]
    user = state.users[sub.user_id]
    if room.type == "d":
        peer = state.dm_peer(room, user.id)
        name, fname = peer.username, peer.name
    else:
        name, fname = room.name, room.fname
    body: dict[str, Any] = {
        "_id": sub.id,
        "rid": sub.rid,
        "u": user_brief(user),
        "name": name,
        "fname": fname,
        "t": room.type,
        "ts": iso(sub.ts),
        "_updatedAt": iso(sub.updated),
        "open": sub.open,
        "alert": sub.alert,
        "unread": sub.unread,
        "userMentions": sub.user_mentions,
        "groupMentions": sub.group_mentions,
        "roles": ["owner"] if room.creator_id == user.id and room.type != "d" else [],
    }
    if sub.ls is not None:
        body["ls"] = iso(sub.ls)
    for key, value in (
        ("tunread", sub.tunread),
        ("tunreadUser", sub.tunread_user),
        ("tunreadGroup", sub.tunread_group),
    ):
        if value is not None:
            body[key] = list(value)
    return body


def receipt_json(state: RcState, message: Message, receipt: Receipt) -> dict[str, Any]:
    body: dict[str, Any] = {
        # Newer servers: _id = messageId + userId.
        "_id": message.id + receipt.user_id,
        "roomId": message.rid,
        "userId": receipt.user_id,
        "messageId": message.id,
        "ts": iso(receipt.ts),
        "_updatedAt": iso(receipt.updated),
    }
    user = state.users.get(receipt.user_id)
    if user is not None:  # a deleted user's receipt has no `user` key
        body["user"] = user_brief(user)
    return body
