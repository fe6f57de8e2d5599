"""A channel's recent messages by channel name: what read audits list (``HistorySource``).

The channel is looked up among those register listed (no request), else with GET /get_stream_id
and GET /streams/{id} (a channel created since, or one the bot never saw). Its messages come from
GET /messages in a ``channel`` narrow, from the newest backwards in pages of at most 1000, until
the window's start: at most ``MAX_MESSAGES`` of them, newest kept. Senders come from the user
directory (one GET /users when someone is missing), so ``is_bot`` is right.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from botkit.backends.zulip.client import JSON, ZulipApi, ZulipRequestError
from botkit.backends.zulip.convert import to_message
from botkit.backends.zulip.directory import ChannelInfo, Channels, UserDirectory
from botkit.errors import BackendError
from botkit.models import Message

__all__ = ["MAX_MESSAGES", "PAGE", "ChannelHistory"]

log = logging.getLogger("botkit.backends.zulip")

PAGE = 1000
#: Messages listed per call at most (the newest ones): an audit's upper bound.
MAX_MESSAGES = 20_000
#: ``channel`` replaced ``stream`` as the narrow operator in Zulip 9.0.
_CHANNEL_OPERATOR_FEATURE_LEVEL = 250
#: GET /streams/{id} exists since Zulip 6.0.
_GET_STREAM_FEATURE_LEVEL = 132


class ChannelHistory:
    def __init__(
        self,
        api: ZulipApi,
        channels: Channels,
        directory: UserDirectory,
        refresh_users: Callable[[Sequence[int]], Awaitable[None]],
    ) -> None:
        self._api = api
        self._channels = channels
        self._directory = directory
        self._refresh_users = refresh_users

    async def channel(self, name: str) -> ChannelInfo:
        """The channel called ``name`` (``#`` optional) that the bot can see; ``BackendError``
        naming it otherwise."""
        wanted = name.strip().removeprefix("#").strip()
        if not wanted:
            raise BackendError("a Zulip channel name is needed, got an empty one")
        known = self._channels.named(wanted)
        if known is not None:
            return known
        unknown = f"no Zulip channel named {name!r} that the bot can see"
        try:
            found = await self._api.call("get_stream_id", "GET", {"stream": wanted})
            stream = await self._stream(int(found["stream_id"]))
        except (ZulipRequestError, KeyError, TypeError, ValueError):
            raise BackendError(unknown) from None
        info = self._channels.remember(stream)
        if info is None:
            raise BackendError(unknown)
        return info

    async def _stream(self, stream_id: int) -> JSON:
        if self._api.feature_level >= _GET_STREAM_FEATURE_LEVEL:
            stream: JSON = (await self._api.call(f"streams/{stream_id}"))["stream"]
            return stream
        streams = (await self._api.call("streams")).get("streams") or []
        return next(s for s in streams if int(s.get("stream_id", -1)) == stream_id)

    async def messages(self, name: str, since: datetime) -> list[Message]:
        """Messages of channel ``name`` sent at or after ``since``, oldest first."""
        info = await self.channel(name)
        payloads = await self._fetch(info, since.timestamp())
        await self._refresh_users(sorted({int(p["sender_id"]) for p in payloads}))
        private = {info.id} if info.private else set()
        site = self._api.site
        return [
            to_message(p, site=site, directory=self._directory, private_channels=private)
            for p in payloads
        ]

    async def _fetch(self, info: ChannelInfo, cutoff: float) -> list[JSON]:
        """Payloads of the window, oldest first, from the newest backwards."""
        operator = "stream"
        if self._api.feature_level >= _CHANNEL_OPERATOR_FEATURE_LEVEL:
            operator = "channel"
        narrow = [{"operator": operator, "operand": info.name}]
        kept: list[JSON] = []
        anchor: int | str = "newest"
        for _ in range(math.ceil(MAX_MESSAGES / PAGE)):
            result = await self._page(info, narrow, anchor)
            page = sorted(result.get("messages") or [], key=lambda m: int(m["id"]))
            if isinstance(anchor, int):
                page = [m for m in page if int(m["id"]) <= anchor]
            kept.extend(m for m in reversed(page) if float(m.get("timestamp", 0)) >= cutoff)
            if not page or result.get("found_oldest") or float(page[0]["timestamp"]) < cutoff:
                break
            anchor = int(page[0]["id"]) - 1  # a numeric anchor includes itself
        else:
            log.warning(
                "audit of #%s: only its newest %d messages were listed; older ones in the "
                "window were left out",
                info.name,
                MAX_MESSAGES,
            )
        return kept[::-1]

    async def _page(self, info: ChannelInfo, narrow: list[JSON], anchor: int | str) -> JSON:
        request = {
            "anchor": anchor,
            "num_before": PAGE,
            "num_after": 0,
            "narrow": narrow,
            "apply_markdown": False,
            "client_gravatar": True,
        }
        try:
            return await self._api.call("messages", "GET", request)
        except ZulipRequestError as exc:
            # e.g. renamed or deleted since the bot learnt its name, or history not visible
            raise BackendError(
                f"cannot list the messages of Zulip channel #{info.name}: {exc.msg}"
            ) from None
