"""Where the bot starts reading each room when it connects.

- **A stored cursor** (``cursor:<rid>``, a restart): from there.
- **No cursor yet** (the first start in that room): from where the server says the bot's account
  stopped reading it, its subscription's last-seen time ``ls``, else when it joined (``ts``). This
  is Rocket.Chat's own rule for where a room read starts storing receipts. Like Zulip's
  ``is:unread`` catch-up, that unread backlog goes through catch-up (bounded by ``[catch_up]``), so
  it is handled before the room is ever marked read: ``subscriptions.read`` covers every message
  in the room, and the bot's receipt must mean "processed".
- **No cursor, ``send_read_receipts = false``**: the bot never marks rooms read, so ``ls`` exists
  only if someone read with the bot's account (or a 7.x server moved it when the bot posted). If
  it exists, it is used as above. Without it the bot starts from now: the join time may lie years
  back, and no read mark of the bot would ever bound that backlog.
- **No cursor, and the server does not list the subscription**: from now.

Either way the room's backlog (messages after the start) goes through ``catch_up`` when there is
one; a room that has not changed since its start is settled at once.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from enum import Enum

from botkit.backends.rocketchat.rooms import SeenMarks

__all__ = ["Origin", "log_first_starts", "where_to_start"]

log = logging.getLogger("botkit.backends.rocketchat")


class Origin(Enum):
    """Where a room's start came from."""

    CURSOR = "the stored cursor"
    LAST_SEEN = "the last-seen time of the bot's account"
    JOINED = "the time the bot joined"
    NOW = "now"


def where_to_start(
    stored: datetime | None, marks: SeenMarks | None, marks_read: bool
) -> tuple[datetime | None, Origin]:
    """The moment after which a room's messages are new to the bot (None with ``Origin.NOW``:
    the caller supplies the server's now)."""
    if stored is not None:
        return stored, Origin.CURSOR
    if marks is None:
        return None, Origin.NOW
    if marks.last_seen is not None:
        return marks.last_seen, Origin.LAST_SEEN
    if marks_read and marks.joined is not None:
        return marks.joined, Origin.JOINED
    return None, Origin.NOW


def log_first_starts(origins: Counter[Origin], marks_read: bool) -> None:
    """One line for rooms without a cursor that are read from their unread backlog, one for
    those that start from now."""
    unread = origins[Origin.LAST_SEEN] + origins[Origin.JOINED]
    if unread:
        log.info(
            "Rocket.Chat: no cursor yet for %d room(s): handling what the bot's account has not "
            "read there (after its last-seen time, or since it joined), within the [catch_up] "
            "limits",
            unread,
        )
    if origins[Origin.NOW]:
        why = (
            "the server did not list the bot's subscription"
            if marks_read
            else "send_read_receipts = false and no last-seen time of the bot's account"
        )
        log.info(
            "Rocket.Chat: no cursor yet for %d room(s) and %s: starting from now there, earlier "
            "messages are not handled",
            origins[Origin.NOW],
            why,
        )
