"""Channel history on Zulip: GET /streams to name the channel, then GET /messages backwards from
the newest message in a ``channel`` narrow until the window's start."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import zulip

from botkit.backends.zulip.convert import to_message
from botkit.backends.zulip.directory import UserDirectory
from botkit.config.schema import ZulipSection
from botkit.errors import AuthError, BackendError
from botkit.models import Conversation, Message

__all__ = ["ZulipHistory"]

PAGE = 1000
#: Pages read per audit at most.
MAX_PAGES = 20


class ZulipHistory:
    def __init__(self, section: ZulipSection) -> None:
        self._section = section
        self._api: Any = None
        self._site = (section.site or "").rstrip("/")

    def _client(self) -> Any:
        if self._api is None:
            section = self._section
            options: dict[str, Any] = {"client": "botkit-audit", "site": section.site}
            if section.zuliprc is not None:
                options["config_file"] = str(section.zuliprc.expanduser())
            else:
                options["email"] = section.email
                options["api_key"] = section.api_key.get_secret_value() if section.api_key else None
            self._api = zulip.Client(**options)
            self._site = str(self._api.base_url).removesuffix("/").removesuffix("/api")
        return self._api

    def _call(self, path: str, request: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self._client().call_endpoint(path, method="GET", request=request or {})
        if not isinstance(result, dict) or result.get("result") != "success":
            message = result.get("msg", "no answer") if isinstance(result, dict) else "no answer"
            if isinstance(result, dict) and result.get("code") == "UNAUTHORIZED":
                raise AuthError(f"Zulip rejected the credentials: {message}")
            raise BackendError(f"Zulip GET /{path} failed: {message}")
        return result

    def _channels(self) -> list[dict[str, Any]]:
        streams = self._call("streams").get("streams", [])
        subscribed = self._call("users/me/subscriptions").get("subscriptions", [])
        return [s for s in [*subscribed, *streams] if isinstance(s, dict)]

    def _find(self, name: str) -> dict[str, Any]:
        wanted = name.removeprefix("#").casefold()
        for stream in self._channels():
            if str(stream.get("name", "")).casefold() == wanted:
                return stream
        raise BackendError(f"no Zulip channel named {name!r} that the bot can see")

    async def channel(self, name: str) -> Conversation:
        stream = await asyncio.to_thread(self._find, name)
        return Conversation.channel(
            str(stream["stream_id"]), str(stream["name"]), private=bool(stream.get("invite_only"))
        )

    async def history(self, conversation_name: str, since: datetime) -> list[Message]:
        return await asyncio.to_thread(self._history, conversation_name, since)

    def _history(self, name: str, since: datetime) -> list[Message]:
        stream = self._find(name)
        directory = UserDirectory()
        directory.load(self._call("users"))
        private = {int(stream["stream_id"])} if stream.get("invite_only") else set()
        payloads: list[dict[str, Any]] = []
        anchor: int | str = "newest"
        for _ in range(MAX_PAGES):
            page = self._call(
                "messages",
                {
                    "anchor": anchor,
                    "num_before": PAGE,
                    "num_after": 0,
                    "include_anchor": anchor == "newest",
                    "narrow": [{"operator": "channel", "operand": stream["name"]}],
                    "apply_markdown": False,
                },
            )
            batch = [m for m in page.get("messages", []) if isinstance(m, dict)]
            payloads.extend(batch)
            oldest = min((float(m.get("timestamp", 0)) for m in batch), default=0.0)
            if not batch or page.get("found_oldest") or oldest < since.timestamp():
                break
            anchor = min(int(m["id"]) for m in batch)
        messages = {
            int(p["id"]): to_message(
                p, site=self._site, directory=directory, private_channels=private
            )
            for p in payloads
        }
        return sorted(
            (m for m in messages.values() if m.timestamp >= since),
            key=lambda m: (m.timestamp, int(m.id)),
        )
