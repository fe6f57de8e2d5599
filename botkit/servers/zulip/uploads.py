"""File uploads: ``POST /api/v1/user_uploads`` and serving ``/user_uploads/<realm>/<path>``.

What the real server does (``zerver/views/upload.py``):

- The multipart body must carry exactly one file, under any field name (the ``zulip`` client
  names the field after the file): none gives "You must specify a file to upload", more "You may
  only upload one file at a time".
- A file larger than ``max_file_upload_size_mib`` MiB (the server's ``MAX_FILE_UPLOAD_SIZE``,
  sent by ``/register``; 0 turns uploads off) is refused: 400 "File is larger than this server's
  configured maximum upload size (N MiB)."
- Success: ``{"uri": ..., "url": ... (FL 272), "filename": ... (FL 285)}`` where the URL is
  ``/user_uploads/<realm id>/<2 hex>/<random>/<sanitized name>``.
- Uploads are not rate limited.
- ``GET /user_uploads/...`` (API key auth accepted) serves the bytes to the uploader and to anyone
  who can read a message linking the file; 404 "File not found." for an unknown path, 403 "You
  are not authorized to view this file." otherwise. CSV is not an inline type: it is sent as an
  attachment.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botkit.servers._http import Request, Response
from botkit.servers.multipart import MultipartError, parse_multipart
from botkit.servers.zulip.auth import authenticate
from botkit.servers.zulip.errors import ZulipError, success
from botkit.servers.zulip.model import ZUser
from botkit.servers.zulip.state import RealmState

if TYPE_CHECKING:
    from botkit.servers.zulip.server import LocalZulip

__all__ = ["Attachment", "UploadsMixin", "serve_file", "upload_file"]

MIB = 1024 * 1024
#: The organization's id in upload paths (a fresh development server's realm "zulip" is 2).
REALM_ID = 2
_URL_FEATURE_LEVEL = 272  # "url" next to the deprecated "uri"
_FILENAME_FEATURE_LEVEL = 285
_INLINE_TYPES = {"application/pdf", "audio/mpeg", "image/png", "image/jpeg", "video/mp4"}


@dataclass(frozen=True)
class Attachment:
    path_id: str  # "<realm id>/<2 hex>/<random>/<name>"
    owner_id: int
    filename: str
    content_type: str
    data: bytes
    created: float

    @property
    def url(self) -> str:
        return f"/user_uploads/{self.path_id}"


def sanitize_name(name: str) -> str:
    """Zulip's ``sanitize_name``: NFKC, only word characters, dots and dashes, runs of spaces and
    dashes made one dash."""
    value = unicodedata.normalize("NFKC", name)
    value = re.sub(r"[^\w\s.-]", "", value).strip()
    value = re.sub(r"[-\s]+", "-", value)
    return "uploaded-file" if value in {"", ".", ".."} else value


def upload_file(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    try:
        parts = parse_multipart(request.header("content-type") or "", request.body)
    except MultipartError:
        parts = []
    files = [p for p in parts if p.filename]  # Django ignores file parts without a name
    if not files:
        raise ZulipError("You must specify a file to upload")
    if len(files) != 1:
        raise ZulipError("You may only upload one file at a time")
    part = files[0]
    state = srv.state
    limit = state.max_file_upload_size_mib
    if len(part.data) > limit * MIB:
        raise ZulipError(
            f"File is larger than this server's configured maximum upload size ({limit} MiB)."
        )
    filename = sanitize_name(part.filename or "")
    path_id = f"{REALM_ID}/{secrets.randbelow(256):x}/{secrets.token_urlsafe(18)}/{filename}"
    ctype = part.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    attachment = Attachment(path_id, user.id, filename, ctype, part.data, time.time())
    state.attachments[path_id] = attachment
    body: dict[str, Any] = {"uri": attachment.url}
    if srv.feature_level >= _URL_FEATURE_LEVEL:
        body["url"] = attachment.url
    if srv.feature_level >= _FILENAME_FEATURE_LEVEL:
        body["filename"] = filename
    return success(**body)


def _may_read(state: RealmState, viewer: ZUser | None, attachment: Attachment) -> bool:
    """The uploader, or anyone with access to a message that links the file."""
    if viewer is None:
        return False
    if viewer.id == attachment.owner_id:
        return True
    return any(
        attachment.url in m.content and state.has_access(viewer, m) for m in state.messages.values()
    )


def serve_file(srv: LocalZulip, request: Request) -> Response:
    with srv.lock:
        viewer = None
        if request.header("authorization") is not None:
            try:
                viewer = authenticate(srv.state, request)
            except ZulipError as error:
                return error.response()
            request.user = viewer.email
        path_id = f"{request.params['realm_id']}/{request.params['path']}"
        attachment = srv.state.attachments.get(path_id)
        if attachment is None:
            return Response.html("<p>File not found.</p>", 404)
        if not _may_read(srv.state, viewer, attachment):
            return Response.html("<p>You are not authorized to view this file.</p>", 403)
    disposition = "inline" if attachment.content_type in _INLINE_TYPES else "attachment"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{attachment.filename}"',
        "Cache-Control": "private, immutable",
    }
    return Response(200, attachment.data, attachment.content_type, headers)


class UploadsMixin:
    """The Python API for uploads: the size limit, and the files as stored."""

    state: RealmState
    lock: threading.RLock

    def set_max_file_upload_size(self, mib: int) -> bool:
        """The server's ``MAX_FILE_UPLOAD_SIZE`` in MiB; 0 turns uploads off. Clients learn it
        from ``/register`` and from a ``realm`` ``update_dict`` event. True if it changed."""
        if mib < 0:
            raise ValueError("max_file_upload_size_mib must be 0 (uploads off) or more")
        with self.lock:
            state = self.state
            if state.max_file_upload_size_mib == mib:
                return False
            state.max_file_upload_size_mib = mib
            event = {
                "type": "realm",
                "op": "update_dict",
                "property": "default",
                "data": {"max_file_upload_size_mib": mib},
            }
            state.hub.send_to_users([u.id for u in state.realm_users() if u.is_active], event)
            return True

    def uploaded_file(self, url: str) -> Attachment:
        """The file stored at ``url`` (as the upload answered it, relative or absolute)."""
        path_id = url.split("/user_uploads/", 1)[-1]
        with self.lock:
            found = self.state.attachments.get(path_id)
        if found is None:
            raise LookupError(f"no uploaded file at {url!r} on this local Zulip server")
        return found

    def uploaded_files(self) -> list[Attachment]:
        """Every stored upload, oldest first."""
        with self.lock:
            return sorted(self.state.attachments.values(), key=lambda a: a.created)
