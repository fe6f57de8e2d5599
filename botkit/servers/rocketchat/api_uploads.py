"""File uploads as Rocket.Chat 7+/8.x does them: ``rooms.media`` then ``rooms.mediaConfirm``
(``rooms.upload`` was removed in 7.0), and serving the file at ``/file-upload/<id>/<name>``.

From ``apps/meteor/app/api/server/v1/rooms.ts`` and ``FileUpload.validateFileUpload``:

- ``POST /api/v1/rooms.media/<rid>`` (multipart, one file in field ``file``, optional JSON
  ``content`` field): no room access -> 403; another field name -> ``[invalid-field]``; a file
  over ``FileUpload_MaxFileSize`` -> ``[error-file-too-large]`` (checked while reading the body);
  no file -> "No file was uploaded"; then the store validates: ``FileUpload_Enabled`` off ->
  "File uploads are disabled. [error-file-upload-disabled]". Answer ``{file: {_id, url}}``; the
  upload is temporary (24 h) until confirmed.
- ``POST /api/v1/rooms.mediaConfirm/<rid>/<fileId>`` (JSON ``msg``, ``description``, ``tmid``,
  ...): posts the file message (``file``, ``files``, ``attachments``) as the uploader; a file of
  another user or room -> ``[invalid-file]``. Answer ``{message}``.
- ``GET /file-upload/<id>/<name>``: not an API route (no rate limit); ``FileUpload_ProtectFiles``
  (on by default) wants ``X-User-Id`` / ``X-Auth-Token`` (or the ``rc_uid`` / ``rc_token``
  cookies) -> else 403; here the caller must also be able to access the room. Sent as an
  attachment.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import secrets
import threading
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .._http import Request, Response
from ..multipart import MultipartError, parse_multipart
from .api_chat import thread_parent, writable_room
from .errors import failure, forbidden, meteor_error
from .messaging import store_message
from .model import RcUser, Room, Upload
from .routing import Call, Endpoint
from .serialize import message_json
from .state import RcState

if TYPE_CHECKING:
    from .server import LocalRocketChat

__all__ = ["ENDPOINTS", "UploadsMixin", "file_url", "serve_upload"]

_DAY_MS = 24 * 3600 * 1000


def file_url(upload: Upload) -> str:
    return f"/file-upload/{upload.id}/{quote(upload.name, safe='')}"


def _room(call: Call) -> Room:
    room = call.state.rooms.get(call.request.params.get("rid", ""))
    if room is None or not call.state.can_access(room, call.user):
        raise forbidden()
    return room


def _filesize(size: int) -> str:
    """filesize.js's default rendering (base 10, two decimals), as in "... of 104.86 MB."."""
    value = float(size)
    for unit in ("B", "kB", "MB"):
        if value < 1000:
            return f"{value:.2f}".rstrip("0").rstrip(".") + f" {unit}"
        value /= 1000
    return f"{value:.2f}".rstrip("0").rstrip(".") + " GB"


def media(call: Call) -> dict[str, Any]:
    room = _room(call)
    settings = call.state.settings
    ctype = call.request.header("content-type") or ""
    try:
        parts = parse_multipart(ctype, call.request.body)
    except MultipartError:
        problem = f"Unsupported content type: {ctype}" if ctype else "Missing Content-Type"
        raise failure(problem) from None
    files = [p for p in parts if p.is_file]
    if any(p.name != "file" for p in files):
        raise meteor_error("invalid-field")
    if len(files) > 1:
        raise failure("Just 1 file is allowed")
    if files and settings.max_file_size > 0 and len(files[0].data) > settings.max_file_size:
        raise meteor_error("error-file-too-large")
    if not files:
        raise meteor_error("error-no-file-uploaded", "No file was uploaded")
    fields = {p.name: p.text() for p in parts if not p.is_file}
    if fields.get("content"):
        try:
            json.loads(fields["content"])
        except ValueError:
            raise meteor_error("invalid-field-content") from None
    part = files[0]
    name = part.filename or ""
    ctype = part.content_type or "application/octet-stream"
    if ctype == "application/octet-stream":  # getMimeType: the name decides for generic types
        ctype = mimetypes.guess_type(name)[0] or ctype
    if not settings.file_upload_enabled:
        raise meteor_error("error-file-upload-disabled", "File uploads are disabled.")
    if settings.max_file_size > -1 and len(part.data) > settings.max_file_size:
        reason = f"File exceeds allowed size of {_filesize(settings.max_file_size)}."
        raise meteor_error("error-file-too-large", reason)
    now = call.state.clock.now()
    upload = Upload(
        id=secrets.token_hex(12),  # shaped like a Mongo ObjectId, as upload ids are
        name=name,
        type=ctype,
        rid=room.id,
        user_id=call.user.id,
        data=part.data,
        uploaded_at=now,
        expires_at=now + _DAY_MS,
    )
    call.state.uploads[upload.id] = upload
    return {"file": {"_id": upload.id, "url": file_url(upload)}}


def _file_message_fields(upload: Upload, description: str | None) -> dict[str, Any]:
    """What sendFileMessage adds to a message for a file that is no image, audio or video."""
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    info = {
        "_id": upload.id,
        "name": upload.name,
        "type": upload.type,
        "size": upload.size,
        "format": extension,
    }
    attachment: dict[str, Any] = {
        "title": upload.name,
        "type": "file",
        "format": extension,
        "title_link": file_url(upload),
        "title_link_download": True,
        "size": upload.size,
    }
    if description:
        attachment["description"] = description
    return {"file": info, "files": [info], "attachments": [attachment], "groupable": False}


def media_confirm(call: Call) -> dict[str, Any]:
    room = _room(call)
    state = call.state
    upload = state.uploads.get(call.request.params.get("file_id", ""))
    if upload is None or upload.user_id != call.user.id or upload.rid != room.id:
        raise meteor_error("invalid-file")
    if upload.expires_at is not None and upload.expires_at < state.clock.stamp():
        raise meteor_error("invalid-file")  # expired temporary uploads are deleted
    body = call.body()
    body = body if isinstance(body, dict) else {}
    limit = state.settings.max_message_size
    description = body.get("description")
    description = description if isinstance(description, str) else None
    if description is not None and len(description) > limit:
        raise meteor_error("error-message-size-exceeded")
    text = body.get("msg")
    text = text if isinstance(text, str) else ""
    if len(text) > limit:
        raise meteor_error(
            "error-message-size-exceeded",
            "Message size exceeds Message_MaxAllowedSize",
            {"method": "sendMessage"},
        )
    writable_room(call, room, call.user)
    tmid = thread_parent(call, room, body.get("tmid"))
    extra = _file_message_fields(upload, description)
    message = store_message(state, call.user, room, text, tmid=tmid, extra=extra)
    upload.expires_at = None
    upload.description = description
    upload.message_id = message.id
    return {"message": message_json(state, message)}


def _downloader(state: RcState, request: Request) -> RcUser | None:
    user_id, token = request.header("x-user-id"), request.header("x-auth-token")
    if not (user_id and token):
        cookies = SimpleCookie(request.header("cookie") or "")
        user_id = cookies["rc_uid"].value if "rc_uid" in cookies else None
        token = cookies["rc_token"].value if "rc_token" in cookies else None
    return state.authenticate(user_id, token) if user_id and token else None


def serve_upload(server: LocalRocketChat, request: Request) -> Response:
    with server.lock:
        state = server.state
        upload = state.uploads.get(request.params.get("file_id", ""))
        if upload is None:
            return Response(404, b"", "text/plain")
        user = _downloader(state, request)
        if user is not None:
            request.user = user.id
        room = state.rooms.get(upload.rid)
        if user is None or room is None or not state.can_access(room, user):
            return Response(403, b"", "text/plain")
    disposition = f'attachment; filename="{quote(upload.name, safe="")}"'
    return Response(200, upload.data, upload.type, {"Content-Disposition": disposition})


class UploadsMixin:
    """The Python API for uploads: the stored files (settings: ``set_settings``)."""

    state: RcState
    lock: threading.RLock

    def uploaded_file(self, ref: str) -> Upload:
        """An upload by id or by its ``/file-upload/<id>/<name>`` URL (absolute or not)."""
        file_id = ref.split("/file-upload/", 1)[-1].split("/", 1)[0]
        with self.lock:
            found = self.state.uploads.get(file_id)
        if found is None:
            raise LookupError(f"no uploaded file {ref!r} on this local Rocket.Chat server")
        return found

    def uploaded_files(self) -> list[Upload]:
        """Every upload, confirmed or not, oldest first."""
        with self.lock:
            return sorted(self.state.uploads.values(), key=lambda u: u.uploaded_at)


def upload_json(upload: Upload) -> dict[str, Any]:
    """An upload for the control API (the bytes base64-encoded)."""
    return {
        "_id": upload.id,
        "name": upload.name,
        "type": upload.type,
        "rid": upload.rid,
        "userId": upload.user_id,
        "confirmed": upload.expires_at is None,
        "message_id": upload.message_id,
        "data_base64": base64.b64encode(upload.data).decode("ascii"),
    }


ENDPOINTS = [
    Endpoint("POST", r"/api/v1/rooms\.media/(?P<rid>[^/]+)", media, regex=True),
    Endpoint(
        "POST",
        r"/api/v1/rooms\.mediaConfirm/(?P<rid>[^/]+)/(?P<file_id>[^/]+)",
        media_confirm,
        regex=True,
    ),
]
