"""``ZulipBackend``: the Backend protocol on a Zulip server, through the official client, plus
what audits use: ``history`` / ``channel`` (a ``HistorySource``, see ``history``) and
``rate_limit_info`` (the server's last ``X-RateLimit-*`` headers, see ``ratelimits``), and
``upload`` (a file attached to a message, see ``uploads``)."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from botkit.backends.base import CatchUpLimits
from botkit.backends.retry import RateGate
from botkit.backends.zulip import catchup, uploads
from botkit.backends.zulip.client import JSON, RetryPolicy, ZulipApi, ZulipRequestError
from botkit.backends.zulip.convert import outgoing, to_message
from botkit.backends.zulip.cursor import Cursor
from botkit.backends.zulip.directory import ChannelMembers, Channels, UserDirectory
from botkit.backends.zulip.events import EventQueue
from botkit.backends.zulip.history import ChannelHistory
from botkit.backends.zulip.readstate import RECEIPTS_FEATURE_LEVEL, ReadPolicy
from botkit.config import Settings
from botkit.errors import (
    BackendError,
    MessageNotFound,
    ReceiptsDisabled,
    ServerTooOld,
)
from botkit.models import Conversation, Message, Receipt, User
from botkit.types import KeyValue

__all__ = ["ZulipBackend"]

log = logging.getLogger("botkit.backends.zulip")

#: Remembered handed-out messages: a replay after a reconnect is dropped here already, and
#: "who read this?" about a recent message needs no fetch (the floor is receipts + reply).
_RECENT = 20000
#: GET /messages/{id} returns the message itself since Zulip 5.0.
_SINGLE_MESSAGE_FEATURE_LEVEL = 120


class ZulipBackend:
    name = "zulip"
    max_message_length = 10000

    def __init__(
        self,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        gate: RateGate | None = None,
    ) -> None:
        self.api = ZulipApi(settings.zulip, gate=gate, retry=retry)
        self.policy = ReadPolicy(settings.bot.send_read_receipts)
        self.directory = UserDirectory()
        self.members_cache = ChannelMembers()
        self.channels = Channels()
        self.queue = EventQueue(self.api, self._on_register, self._on_event)
        self.channel_history = ChannelHistory(
            self.api, self.channels, self.directory, self._refresh_directory_for
        )
        self.realm_receipts_enabled = True
        self.upload_limit = uploads.UploadLimit()
        self.me: User | None = None
        self._cursor: Cursor | None = None
        self._recent: OrderedDict[int, Message | None] = OrderedDict()
        self._closed = asyncio.Event()
        self._connected = False

    # -- lifecycle ---------------------------------------------------------------------------
    async def connect(self, state: KeyValue) -> User:
        self._cursor = Cursor(state)
        self._closed.clear()
        await self.api.open()
        self.policy.feature_level = self.api.feature_level
        await self.queue.register()  # first: nothing can fall between catch-up and listen
        if self.me is None:
            profile = await self.api.call("users/me")
            self.me = User(str(profile["user_id"]), str(profile.get("full_name", "")))
        self._connected = True
        advice = self.policy.advice()
        if advice:
            log.warning("%s", advice)
        return self.me

    async def catch_up(self, limits: CatchUpLimits) -> AsyncIterator[Message]:
        me_id, cursor = self._me_id(), self._require_cursor()
        if self.policy.marks_read:
            narrow, after_id = catchup.UNREAD, None
            noun, detail = "unread message", ""
        else:
            if cursor.value is None:
                cursor.start_at(self.queue.high_water)
                log.info(
                    "catch-up: first start without a cursor; starting from now (message id %d)",
                    self.queue.high_water,
                )
                return
            narrow, after_id = [], cursor.value
            noun, detail = "message", f" after the cursor (id {after_id})"
        window = await catchup.collect(
            self.api,
            me_id=me_id,
            limits=limits,
            now=datetime.now(tz=UTC),
            narrow=narrow,
            after_id=after_id,
        )
        count = len(window.messages)
        log.info("catch-up: %d %s%s%s", count, noun, "" if count == 1 else "s", detail)
        if window.skipped:
            log.warning("%s", window.describe_skipped(limits))
        if window.own_ids and self.policy.marks_read:
            await self._flag_read(window.own_ids)  # a sender never shows in receipts
        for payload in window.messages:
            self.queue.saw(int(payload["id"]))
            message = self._accept(payload)
            if message is not None:
                yield message

    async def listen(self) -> AsyncIterator[Message]:
        async for batch in self.queue.batches(self._closed):
            for payload in batch:
                message = self._accept(payload)
                if message is not None:
                    yield message

    async def close(self) -> None:
        if self._closed.is_set() and not self._connected:
            return
        self._closed.set()
        self._connected = False
        await self.queue.delete()
        # the server answers a parked poll when its queue is deleted; never wait past a bound
        await self.api.wait_idle(timeout=2.0)
        self.api.close()

    def describe_read_state(self) -> str:
        return self.policy.describe()

    # -- messages ----------------------------------------------------------------------------
    async def send(self, to: Conversation, text: str) -> str:
        request = outgoing(to, text, me_id=self._me_id(), feature_level=self.api.feature_level)
        # never sent twice: resent only when Zulip surely did not post it (see ``failures``)
        result = await self.api.call("messages", "POST", request, at_most_once=True)
        return str(result["id"])

    async def mark_read(self, messages: Sequence[Message]) -> None:
        ids = sorted({int(m.id) for m in messages if m.id.isdigit()})
        if not ids:
            return
        self._require_cursor().handled(ids)
        if self.policy.marks_read:
            await self._flag_read(ids)

    async def fetch_message(self, message_id: str) -> Message:
        if not message_id.isdigit():
            raise MessageNotFound(message_id)
        seen = self._recent.get(int(message_id))
        if seen is not None:  # edits and deletions evict it (update_message / delete_message)
            return seen
        try:
            if self.api.feature_level >= _SINGLE_MESSAGE_FEATURE_LEVEL:
                result = await self.api.call(
                    f"messages/{message_id}", "GET", {"apply_markdown": False}
                )
                payload = result.get("message")
            else:
                result = await self.api.call(
                    "messages",
                    "GET",
                    {
                        "anchor": int(message_id),
                        "num_before": 0,
                        "num_after": 0,
                        "apply_markdown": False,
                    },
                )
                found = [m for m in result.get("messages", []) if str(m["id"]) == message_id]
                payload = found[0] if found else None
        except ZulipRequestError as exc:
            if "invalid message" in exc.msg.lower():
                raise MessageNotFound(message_id) from None
            raise
        if not isinstance(payload, Mapping):
            raise MessageNotFound(message_id)
        return self._convert(payload)

    # -- read status -------------------------------------------------------------------------
    async def read_receipts(self, message: Message) -> list[Receipt]:
        if self.api.feature_level < RECEIPTS_FEATURE_LEVEL:
            raise ServerTooOld(
                f"read receipts need Zulip 6.0 or newer (feature level {RECEIPTS_FEATURE_LEVEL}); "
                f"this server is Zulip {self.api.zulip_version or '?'} "
                f"(feature level {self.api.feature_level})"
            )
        if not message.id.isdigit():
            raise MessageNotFound(message.id)
        try:
            result = await self.api.call(f"messages/{message.id}/read_receipts")
        except ZulipRequestError as exc:
            if "invalid message" in exc.msg.lower():
                raise MessageNotFound(message.id) from None
            if "read receipts are disabled" in exc.msg.lower():
                raise ReceiptsDisabled(exc.msg) from None
            raise
        ids = [int(i) for i in result.get("user_ids", []) if str(i) != message.sender.id]
        await self._refresh_directory_for(ids)
        return [Receipt(user) for user in self.directory.resolve(ids)]

    async def members(self, conversation: Conversation) -> list[User]:
        if conversation.is_direct:
            ids = [int(p) for p in conversation.participants or conversation.id.split(",") if p]
            await self._refresh_directory_for(ids)
            return self.directory.resolve(ids)
        channel_id = int(conversation.id)
        member_ids = self.members_cache.get(channel_id)
        if member_ids is None:
            result = await self.api.call(f"streams/{channel_id}/members")
            member_ids = [int(i) for i in result.get("subscribers", [])]
            self.members_cache.put(channel_id, member_ids)
        await self._refresh_directory_for(member_ids)
        return [u for u in self.directory.resolve(member_ids) if u.is_active]

    async def users(self) -> list[User]:
        return self.directory.all()

    # -- audits ------------------------------------------------------------------------------
    async def history(self, conversation_name: str, since: datetime) -> list[Message]:
        """Messages of the channel ``conversation_name`` sent at or after ``since``, oldest
        first; ``BackendError`` naming an unknown channel."""
        return await self.channel_history.messages(conversation_name, since)

    async def channel(self, name: str) -> Conversation:
        info = await self.channel_history.channel(name)
        return Conversation.channel(str(info.id), info.name, private=info.private)

    async def upload(
        self, to: Conversation, filename: str, data: bytes, content_type: str, text: str
    ) -> str:
        """Post ``text`` with the file attached (a link to the upload); returns the message id.
        Zulip types the file by its name (``content_type`` is not sent). ``NotSupported`` when
        uploads are off or the file is over the server's limit."""
        url, stored = await uploads.upload(self.api, self.upload_limit, filename, data)
        return await self.send(to, uploads.link_text(text, stored, url))

    def rate_limit_info(self) -> tuple[int, float] | None:
        """``(X-RateLimit-Remaining, X-RateLimit-Reset as Unix seconds)`` of the latest answer
        that carried them (``GET /events`` has its own bucket: not counted); None before any."""
        latest = self.api.rate_limits.latest()
        return None if latest is None else (latest.remaining, latest.reset_at)

    # -- internals ---------------------------------------------------------------------------
    def _on_register(self, state: JSON) -> None:
        self.directory.load(state)
        self.channels.load(state)
        self.members_cache.clear()
        self.upload_limit.load(state)
        if "realm_enable_read_receipts" in state:
            self.realm_receipts_enabled = bool(state["realm_enable_read_receipts"])
        if "user_id" in state:
            me = self.directory.get(state["user_id"])
            self.me = me or User(
                str(state["user_id"]),
                str(state.get("full_name", "")),
                str(state.get("email", "")),
                is_bot=True,
            )
        settings = state.get("user_settings")
        account = settings.get("send_read_receipts") if isinstance(settings, Mapping) else None
        if account is None:
            account = state.get("send_read_receipts")  # before user_settings existed
        self._set_account_setting(account if isinstance(account, bool) else None)

    def _on_event(self, event: JSON) -> None:
        kind = event.get("type")
        self.upload_limit.apply(event)
        if kind == "realm_user":
            self.directory.apply(event)
        elif kind == "subscription":
            self.members_cache.apply(event)
            self.channels.apply(event)
        elif kind == "user_settings" and event.get("property") == "send_read_receipts":
            self._set_account_setting(bool(event.get("value")))
        elif kind == "realm" and event.get("property") == "enable_read_receipts":
            self.realm_receipts_enabled = bool(event.get("value"))
        elif kind in ("update_message", "delete_message"):
            self._forget(event)

    def _forget(self, event: JSON) -> None:
        """An edited, moved or deleted message leaves the cache (it stays known as handed out:
        the ids stay, their cached content goes)."""
        ids = event.get("message_ids") or [event.get("message_id")]
        for raw in ids:
            if isinstance(raw, int) and raw in self._recent:
                self._recent[raw] = None

    def _set_account_setting(self, value: bool | None) -> None:
        if self.policy.set_account(value) and self._connected:
            log.warning("bot account's send_read_receipts changed: %s", self.policy.describe())
            advice = self.policy.advice()
            if advice:
                log.warning("%s", advice)

    def _accept(self, payload: Mapping[str, Any]) -> Message | None:
        """The Message for a payload the bot should handle; None for its own or a repeat."""
        message_id = int(payload["id"])
        if int(payload.get("sender_id", -1)) == self._me_id() or message_id in self._recent:
            return None
        message = self._convert(payload)
        self._recent[message_id] = message
        if len(self._recent) > _RECENT:
            self._recent.popitem(last=False)
        self._require_cursor().handed_out(message_id)
        return message

    def _convert(self, payload: Mapping[str, Any]) -> Message:
        return to_message(
            payload,
            site=self.api.site,
            directory=self.directory,
            private_channels=self.channels.private,
        )

    async def _flag_read(self, ids: Sequence[int]) -> None:
        request = {"messages": list(ids), "op": "add", "flag": "read"}
        await self.api.call("messages/flags", "POST", request)

    async def _refresh_directory_for(self, ids: Sequence[int]) -> None:
        """One GET /users when someone is missing from the directory (never one per user)."""
        if self.directory.unknown(ids):
            self.directory.load(await self.api.call("users", "GET", {"client_gravatar": True}))

    def _me_id(self) -> int:
        if self.me is None:
            raise BackendError("the Zulip backend is not connected")
        return int(self.me.id)

    def _require_cursor(self) -> Cursor:
        if self._cursor is None:
            raise BackendError("the Zulip backend is not connected")
        return self._cursor
