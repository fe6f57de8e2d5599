"""Attaching a file on Rocket.Chat: ``rooms.media/<rid>`` (the multipart upload, through
rocketchat-API's ``rooms_media``) then ``rooms.mediaConfirm/<rid>/<fileId>`` with the message
text, which posts the file message (Rocket.Chat 7.0 removed the one-step ``rooms.upload``).

The public settings ``FileUpload_Enabled`` and ``FileUpload_MaxFileSize`` (bytes, -1: no limit)
are read first (cached a minute): a file the server would refuse is not sent. The server's own
refusals (``error-file-upload-disabled``, ``error-file-too-large``, ``error-invalid-file-type``)
become the same ``NotSupported``, so a caller can fall back to posting the content as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from botkit.backends.rocketchat.client import ApiError, RocketChatClient
from botkit.backends.rocketchat.readstatus import TtlCache
from botkit.errors import BackendError, NotSupported

__all__ = ["RoomUploads", "UploadSettings"]

SETTING_IDS = ("FileUpload_Enabled", "FileUpload_MaxFileSize")
SETTINGS_TTL = 60.0
_REFUSALS = ("error-file-upload-disabled", "error-file-too-large", "error-invalid-file-type")


@dataclass(frozen=True, slots=True)
class UploadSettings:
    """The server's public upload settings; None where it did not say."""

    enabled: bool | None = None
    max_bytes: int | None = None

    def check(self, filename: str, size: int) -> None:
        if self.enabled is False:
            raise NotSupported("file uploads are turned off on this Rocket.Chat server")
        if self.max_bytes is not None and self.max_bytes > -1 and size > self.max_bytes:
            raise NotSupported(
                f"{filename} ({size} bytes) is larger than this Rocket.Chat server's upload "
                f"limit of {self.max_bytes} bytes"
            )


class RoomUploads:
    def __init__(self, client: RocketChatClient) -> None:
        self._client = client
        self._settings: TtlCache[str, UploadSettings] = TtlCache(SETTINGS_TTL)

    async def settings(self) -> UploadSettings:
        cached = self._settings.get("")
        if cached is not None:
            return cached
        try:
            data = await self._client.get("settings.public", _id=",".join(SETTING_IDS))
        except ApiError:
            return self._settings.put("", UploadSettings())
        values = {
            str(s.get("_id")): s.get("value")
            for s in data.get("settings") or ()
            if isinstance(s, dict)
        }
        enabled, size = values.get("FileUpload_Enabled"), values.get("FileUpload_MaxFileSize")
        return self._settings.put(
            "",
            UploadSettings(
                enabled=enabled if isinstance(enabled, bool) else None,
                max_bytes=size if isinstance(size, int) and not isinstance(size, bool) else None,
            ),
        )

    async def post(
        self,
        room_id: str,
        filename: str,
        data: bytes,
        content_type: str,
        *,
        text: str,
        thread_id: str | None = None,
    ) -> str:
        """Upload and post the file message; returns its id."""
        (await self.settings()).check(filename, len(data))
        file = (filename, data, content_type)
        try:
            uploaded = await self._client.call(
                "rooms.media", lambda api: api.rooms_media(room_id, file)
            )
        except ApiError as exc:
            if any(exc.has_code(code) for code in _REFUSALS):
                self._settings = TtlCache(SETTINGS_TTL)  # the cached settings are stale
                raise NotSupported(f"Rocket.Chat refused {filename}: {exc.error}") from None
            raise BackendError(f"could not upload {filename}: {exc.error}") from None
        file_id = _nested_id(uploaded, "file")
        extra = {"tmid": thread_id} if thread_id else {}
        try:
            confirmed = await self._client.call(
                "rooms.mediaConfirm",
                lambda api: api.rooms_media_confirm(room_id, file_id, msg=text, **extra),
                idempotent=False,  # it posts the message: never twice
            )
        except ApiError as exc:
            raise BackendError(f"could not post {filename}: {exc.error}") from None
        return _nested_id(confirmed, "message")


def _nested_id(answer: object, key: str) -> str:
    inner = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(inner, dict) or not inner.get("_id"):
        raise BackendError(f"Rocket.Chat answered an upload step without a {key} id")
    return str(inner["_id"])
