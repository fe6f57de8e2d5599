"""``multipart/form-data`` bodies as the local servers receive them (file uploads).

Byte-exact: a part's content is exactly the bytes between its header block and the CRLF before
the next boundary, so a CSV (or any binary) comes back unchanged. Headers are parsed by the
standard library (quoted and RFC 2231 ``filename*`` parameters included).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

__all__ = ["MultipartError", "Part", "parse_multipart"]


class MultipartError(ValueError):
    """The body is not well-formed ``multipart/form-data``."""


@dataclass(frozen=True)
class Part:
    name: str
    #: None for a plain form field; a file part has a filename (possibly empty).
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def is_file(self) -> bool:
        return self.filename is not None

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def _boundary(content_type: str) -> bytes:
    header = Message()
    header["Content-Type"] = content_type
    if header.get_content_type() != "multipart/form-data":
        raise MultipartError(f"not multipart/form-data: {content_type or 'no Content-Type'}")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise MultipartError("multipart/form-data without a boundary")
    return boundary.encode("latin-1")


def _part(raw: bytes) -> Part:
    head, separator, data = raw.partition(b"\r\n\r\n")
    if not separator:
        raise MultipartError("a part has no blank line after its headers")
    headers = HeaderParser().parsestr(head.decode("utf-8", "replace") + "\r\n")
    name = headers.get_param("name", header="content-disposition")
    filename = headers.get_filename()
    if filename is None and headers.get_param("filename", header="content-disposition") == "":
        filename = ""
    ctype = headers.get("content-type")
    return Part(
        name=str(name) if isinstance(name, str) else "",
        filename=filename,
        content_type=str(ctype) if ctype else None,
        data=data,
    )


def parse_multipart(content_type: str, body: bytes) -> list[Part]:
    """The parts of ``body`` in order. ``MultipartError`` names what is malformed."""
    delimiter = b"--" + _boundary(content_type)
    # every delimiter but a leading one is preceded by CRLF, which belongs to it
    chunks = (b"\r\n" + body).split(b"\r\n" + delimiter)
    if len(chunks) < 2:
        raise MultipartError("the body contains no boundary")
    parts: list[Part] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            return parts  # the closing delimiter
        line_end = chunk.find(b"\r\n")
        if line_end < 0 or chunk[:line_end].strip(b" \t"):
            raise MultipartError("a boundary line has trailing garbage")
        parts.append(_part(chunk[line_end + 2 :]))
    raise MultipartError("the body ends without a closing boundary")
