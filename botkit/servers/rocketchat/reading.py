"""Reading rooms and threads: last-seen bookkeeping, read receipts and clearing the messages'
``unread`` flags (reference page sections 1.2, 1.3(2)-(4) and 2)."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right

from .errors import failure, meteor_error
from .messaging import add_receipt
from .model import Message, RcUser, Room
from .state import RcState

__all__ = ["Reader"]


class Reader:
    """Read operations on the shared state. ``lock`` is the server lock (held by callers; the
    delayed flag-clearing timer takes it itself)."""

    def __init__(self, state: RcState, lock: threading.RLock) -> None:
        self.state = state
        self.lock = lock
        self._timers: dict[str, threading.Timer] = {}

    # -- rooms --------------------------------------------------------------------------------
    def read_room(self, user: RcUser, rid: str, read_threads: bool = False) -> None:
        """subscriptions.read / readMessages: ls = now, counters reset, receipts, flag clearing."""
        state = self.state
        sub = state.subs.get((user.id, rid))
        room = state.rooms.get(rid)
        if sub is None or room is None:
            raise failure("error-invalid-subscription")
        now = state.clock.now()
        # Newest code falls back to the subscription's creation time for a never-read room.
        last_seen = sub.ls if sub.ls is not None else sub.ts
        sub.open = True
        sub.unread = 0
        sub.user_mentions = 0
        sub.group_mentions = 0
        sub.ls = now
        if read_threads:
            sub.tunread = sub.tunread_user = sub.tunread_group = None
        sub.alert = bool(sub.tunread)
        sub.updated = now
        self._after_read(room, user.id, last_seen, now)

    def _after_read(self, room: Room, user_id: str, last_seen: int, now: int) -> None:
        settings = self.state.settings
        if not settings.receipts_enabled:
            return
        if room.lm is None or last_seen > room.lm:
            return  # the room was already read
        if settings.store_receipts:
            start = bisect_right(room.visible_ts, last_seen)
            for index in range(start, len(room.visible_msgs)):
                message = room.visible_msgs[index]
                if message.unread:
                    add_receipt(message, user_id, now)
        self._schedule_clear(room)

    def _schedule_clear(self, room: Room) -> None:
        delay = self.state.settings.flag_clear_delay
        if delay <= 0:
            self.clear_room_flags(room)
            return
        # Debounced per room, as Rocket.Chat does: reads within the delay collapse into one run.
        previous = self._timers.pop(room.id, None)
        if previous is not None:
            previous.cancel()
        timer = threading.Timer(delay, self._clear_later, args=(room.id,))
        timer.daemon = True
        self._timers[room.id] = timer
        timer.start()

    def _clear_later(self, rid: str) -> None:
        with self.lock:
            self._timers.pop(rid, None)
            room = self.state.rooms.get(rid)
            if room is not None:
                self.clear_room_flags(room)

    def clear_room_flags(self, room: Room) -> None:
        """Unset ``unread`` on visible messages older than every member's last-seen time."""
        state = self.state
        min_ls: int | None = None
        for uid in room.members:
            ls = state.subs[(uid, room.id)].ls
            if ls is None:
                return  # a member who never read the room sorts first: nothing is cleared
            min_ls = ls if min_ls is None else min(min_ls, ls)
        if min_ls is None:
            return
        end = bisect_left(room.visible_ts, min_ls)
        now: int | None = None
        for index in range(room.cleared_upto, end):
            message = room.visible_msgs[index]
            if message.unread:
                now = now or state.clock.now()
                message.unread = False
                state.touch(room, message, now)  # the _updatedAt bump a polling bot sees again
        room.cleared_upto = max(room.cleared_upto, end)
        if now is not None:
            room.updated = now

    def stop(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    # -- threads ------------------------------------------------------------------------------
    def read_thread(self, user: RcUser, tmid: str) -> None:
        """chat.readThread / readThreads: thread last-seen, tunread, receipts for replies."""
        state = self.state
        if not state.settings.threads_enabled:
            raise meteor_error("error-not-allowed", "Threads Disabled")
        parent = state.messages.get(tmid)
        if parent is None or parent.tmid is not None:
            raise meteor_error("error-invalid-message", "Invalid Message")
        room = state.rooms.get(parent.rid)
        if room is None:
            raise meteor_error("error-room-not-found", "This room does not exist")
        if not state.can_access(room, user):
            raise meteor_error("error-not-allowed", "Not Allowed")
        now = state.clock.now()
        previous = state.thread_reads.get((user.id, tmid), parent.ts)
        state.thread_reads[(user.id, tmid)] = now
        sub = state.subs.get((user.id, room.id))
        if sub is not None:
            sub.tunread = _without(sub.tunread, tmid)
            sub.tunread_user = _without(sub.tunread_user, tmid)
            sub.tunread_group = _without(sub.tunread_group, tmid)
            sub.alert = sub.unread > 0 or bool(sub.tunread)
            sub.updated = now
        if not state.settings.receipts_enabled:
            return
        replies = [state.messages[mid] for mid in parent.reply_ids]
        if state.settings.store_receipts:
            for reply in replies:
                mine = reply.user_id == user.id
                if not mine and reply.unread and not reply.tshow and reply.ts > previous:
                    add_receipt(reply, user.id, now)
        self._clear_thread_flags(room, tmid, replies)

    def _clear_thread_flags(self, room: Room, tmid: str, replies: list[Message]) -> None:
        state = self.state
        seen = [state.thread_reads.get((uid, tmid)) for uid in room.members]
        if not seen or any(ls is None for ls in seen):
            return  # every member needs a thread read record
        min_ls = min(ls for ls in seen if ls is not None)
        now: int | None = None
        for reply in replies:
            if reply.unread and not reply.tshow and reply.ts < min_ls:
                now = now or state.clock.now()
                reply.unread = False
                state.touch(room, reply, now)

    # -- marking unread -----------------------------------------------------------------------
    def mark_unread(self, user: RcUser, rid: str | None, first_unread: str | None) -> None:
        """subscriptions.unread: move ls back (no receipt is removed)."""
        state = self.state
        if first_unread is not None:
            message = state.messages.get(first_unread)
            if message is None:
                raise meteor_error("error-action-not-allowed", "Not allowed")
            sub = state.subs.get((user.id, message.rid))
            if sub is None:
                raise meteor_error("error-action-not-allowed", "Not allowed")
            if sub.ls is not None and message.ts >= sub.ls:
                return  # already unread
            ls = message.ts
        else:
            room = state.rooms.get(rid or "")
            sub = state.subs.get((user.id, rid or ""))
            if room is None or sub is None:
                raise meteor_error("error-action-not-allowed", "Not allowed")
            if not room.visible_msgs:
                raise meteor_error(
                    "error-no-message-for-unread",
                    "There are no messages to mark unread",
                    {"method": "unreadMessages", "action": "Unread_messages"},
                )
            ls = room.visible_msgs[-1].ts
        sub.ls = ls
        sub.alert = True
        sub.open = True
        sub.updated = state.clock.now()


def _without(items: list[str] | None, item: str) -> list[str] | None:
    if not items:
        return items
    rest = [i for i in items if i != item]
    return rest or None
