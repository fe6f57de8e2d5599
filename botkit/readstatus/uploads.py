"""Attaching a file to a message: an optional backend capability, like ``history``.

The ``Backend`` protocol has no upload (the runtime never needs one). A backend that has
``upload(to, filename, data, content_type, text)`` is an ``Uploader``: it posts ``text`` with the
file attached (Zulip: uploaded, then linked; Rocket.Chat: ``rooms.media`` + ``mediaConfirm``) and
returns the message id, or raises ``NotSupported`` when the server refuses the file (uploads
turned off, over its size limit). ``attach`` raises the same for a backend without the method, so
a caller has one error to fall back on.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from botkit.errors import NotSupported
from botkit.models import Conversation
from botkit.readstatus.report import CsvFile

__all__ = ["Uploader", "attach"]


@runtime_checkable
class Uploader(Protocol):
    async def upload(
        self, to: Conversation, filename: str, data: bytes, content_type: str, text: str
    ) -> str:
        """Post ``text`` to ``to`` with the file attached; the new message's id.
        ``NotSupported`` when the server will not take the file."""
        ...


async def attach(backend: object, to: Conversation, file: CsvFile) -> str:
    """Post ``file`` (with its caption) to ``to``; ``NotSupported`` saying why it cannot be."""
    if not isinstance(backend, Uploader):
        label = getattr(backend, "name", "") or type(backend).__name__
        raise NotSupported(f"the {label} backend cannot attach files")
    return await backend.upload(to, file.filename, file.data, file.content_type, file.caption)
