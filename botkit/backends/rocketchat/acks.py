"""Acknowledging on Rocket.Chat: one ``subscriptions.read`` per fully handled room.

Rocket.Chat cannot mark single messages read: ``subscriptions.read`` moves the bot's last-seen
time (``ls``) to the server's *now*, which covers every message in the room, including one that
arrived a moment ago and that the bot has not fetched. So a room is marked read only

- when every message of it the bot has fetched is acknowledged (nothing pending), and
- right after a discovery (``rooms.get``) and fetch that showed the room's last message is one the
  bot has fetched (``fetched >= lm``).

The race left is one round trip wide (a message landing between that poll and the read call); the
bot's own cursor, never the server's ``ls``, decides what is handled, so such a message is still
fetched and handled next cycle: its read receipt may just come early.

Thread replies are not covered: ``subscriptions.read`` never creates receipts for them on the
server (only opening the thread does), and REST offers no portable way to do that.

``send_read_receipts = false``: Rocket.Chat has no per-user "hide my receipts" setting, so the bot
simply never marks rooms read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.cursors import RoomCursor
from botkit.backends.rocketchat.rooms import RoomDirectory

__all__ = ["ReadMarker", "describe_read_state"]

log = logging.getLogger("botkit.backends.rocketchat")


def describe_read_state(send_read_receipts: bool) -> str:
    """One line for the start-up log: what others will see of the bot's reading."""
    if send_read_receipts:
        return (
            "Rocket.Chat: the bot marks each room read (subscriptions.read) once every message "
            "it fetched there is handled; its read receipt means 'processed', except for "
            "messages the [catch_up] limits leave out (logged), which a room read covers too"
        )
    return (
        "Rocket.Chat: send_read_receipts = false, so the bot never marks rooms read and no read "
        "receipts of the bot appear; note that this keeps the rooms' messages flagged unread "
        "for everyone, since Rocket.Chat clears that flag only when every member has read"
    )


class ReadMarker:
    """Sends the read marks the cursors allow; see the module docstring."""

    def __init__(self, client: RocketChatClient, enabled: bool) -> None:
        self._client = client
        self.enabled = enabled
        #: Read marks sent (for logs and tests).
        self.sent = 0

    async def flush(self, directory: RoomDirectory, cursors: Iterable[RoomCursor]) -> int:
        """Mark read every room that is ready; returns how many were marked."""
        if not self.enabled:
            return 0
        marked = 0
        for cursor in cursors:
            room = directory.get(cursor.room_id)
            if room is None or not cursor.ready_to_mark(room.last_message_at):
                continue
            try:
                await self._client.call("subscriptions.read", partial(_read_room, room_id=room.id))
            except ApiError as exc:
                # the bot left the room, or lost its subscription: nothing left to mark
                log.warning("Rocket.Chat: could not mark room %s read: %s", room.id, exc)
            else:
                marked += 1
                self.sent += 1
            cursor.unread_handled = False
        return marked


def _read_room(api: Any, room_id: str) -> Any:
    return api.subscriptions_read(room_id)
