"""Attaching a file on Zulip: ``POST /user_uploads`` (the client's ``upload_file``), then a
message that links it as ``[filename](url)``.

The server's limit is ``max_file_upload_size_mib`` (register's ``realm`` state; 0 means uploads
are off; a ``realm`` ``update_dict`` event changes it since Zulip 10.0). A file over it is refused
here, without sending it; the server's own refusal ("File is larger than ...") becomes the same
``NotSupported``, so a caller can fall back to posting the content as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botkit.backends.zulip.client import ZulipApi, ZulipRequestError
from botkit.errors import NotSupported

__all__ = ["UploadLimit", "link_text", "upload"]

MIB = 1024 * 1024
_KEY = "max_file_upload_size_mib"


class UploadLimit:
    """The server's upload size limit as register and ``realm`` events report it."""

    def __init__(self) -> None:
        #: None until the server said (register without ``realm`` state).
        self.max_mib: int | None = None

    def load(self, state: Mapping[str, Any]) -> None:
        value = state.get(_KEY)
        if isinstance(value, int):
            self.max_mib = value

    def apply(self, event: Mapping[str, Any]) -> None:
        """A ``realm`` event: ``update_dict`` data (10.0+) or an ``update`` of the property."""
        if event.get("type") != "realm":
            return
        data = event.get("data")
        if event.get("op") == "update_dict" and isinstance(data, Mapping):
            self.load(data)
        elif event.get("op") == "update" and event.get("property") == _KEY:
            self.load({_KEY: event.get("value")})

    def check(self, filename: str, size: int) -> None:
        """``NotSupported`` when the server would refuse a file of ``size`` bytes."""
        if self.max_mib is None:
            return
        if self.max_mib == 0:
            raise NotSupported("file uploads are turned off on this Zulip server")
        if size > self.max_mib * MIB:
            raise NotSupported(
                f"{filename} ({size} bytes) is larger than this Zulip server's upload limit of "
                f"{self.max_mib} MiB"
            )


async def upload(api: ZulipApi, limit: UploadLimit, filename: str, data: bytes) -> tuple[str, str]:
    """Upload ``data`` as ``filename``; returns (url, the name Zulip stored it as)."""
    limit.check(filename, len(data))
    try:
        result = await api.call("user_uploads", "POST", files=[(filename, data)])
    except ZulipRequestError as refused:  # a 400: this server will not take this file
        raise NotSupported(f"Zulip refused the upload of {filename}: {refused.msg}") from None
    url = str(result.get("url") or result.get("uri") or "")
    if not url:
        raise NotSupported(f"Zulip accepted {filename} but answered no URL for it")
    return url, str(result.get("filename") or filename)


def link_text(text: str, filename: str, url: str) -> str:
    """``text`` followed by the Markdown link Zulip's own clients write for an upload (``[``
    and ``]`` dropped from the name so they cannot break the link)."""
    label = filename.replace("[", "").replace("]", "") or "file"
    link = f"[{label}]({url})"
    return f"{text}\n{link}" if text.strip() else link
