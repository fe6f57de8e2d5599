"""Turning what a user typed into a message id.

Users point at a message in three ways: its id (``42``, ``Lx3kq9aBcD7fGh2Jk``), a link as the
web client copies it, or by quoting it (Zulip's quote-and-reply inserts a link to the quoted
message; on Rocket.Chat asking inside a thread points at the thread's parent). Parsing is pure
text work: whether the message exists is the backend's business.

Zulip links carry the id after ``/near/``, ``/with/`` or ``/id/`` in the ``#narrow`` fragment,
whatever the channel/stream/topic/subject/dm/pm-with segments before it say. Rocket.Chat
permalinks carry it in the ``msg`` query parameter of ``/channel/``, ``/group/`` or
``/direct/`` URLs. Given the configured server's URL, a link to another server is refused
(``ForeignLink``) rather than read as a local message id; hosts are compared without scheme and
port, so ``http://`` and ``https://`` links, or a proxy's port, still work.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from botkit.models import Message

if TYPE_CHECKING:
    from botkit.config import Settings

__all__ = [
    "BadReference",
    "ForeignLink",
    "check_server",
    "configured_server",
    "find_message_link",
    "message_id_from_link",
    "parse_reference",
    "referenced_message_id",
]

#: Rocket.Chat ids are 17 random characters; accept any short token of id characters.
_TOKEN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Any length the server could be asked about: an id too large to exist is "not found", which
#: the engine answers without asking the server.
_DIGITS = re.compile(r"^\d{1,200}$")
_ZULIP_NARROW_ID = re.compile(r"#narrow/(?:[^\s)>\]]*/)?(?:near|with|id)/(\d{1,200})(?![\d])")
_ROCKET_PATHS = ("channel", "group", "direct")
_MEMORY_LINK = re.compile(r"^memory://message/([A-Za-z0-9_-]{1,64})$")
#: A URL inside text: bare, in ``[label](url)`` or in ``<url>``.
_URL = re.compile(r"(?:https?|memory)://[^\s)<>\]\"']+")


class BadReference(ValueError):
    """The text does not name a message. ``str()`` says what was expected."""


class ForeignLink(BadReference):
    """A message link to another server than the configured one."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__(f"that link points to {host}, not to this server")


def _host(url: str) -> str | None:
    """The host name of a URL (``chat.example.com/...`` without a scheme too), lower case."""
    if "://" not in url and not url.startswith(("#", "/")):
        url = "//" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.rstrip(".").casefold() if host else None


def configured_server(settings: Settings) -> str | None:
    """The URL of the server the bot is configured for (``[zulip] site`` or ``[rocketchat]
    server_url``); None when not known from the settings (a zuliprc file, the memory backend)."""
    if settings.bot.backend == "zulip":
        return settings.zulip.site
    if settings.bot.backend == "rocketchat":
        return settings.rocketchat.server_url
    return None


def check_server(link: str, server: str | None) -> None:
    """``ForeignLink`` when ``link`` names a host and it is not the one of ``server`` (the
    configured server URL; None: no check)."""
    if not server:
        return
    expected, actual = _host(server), _host(link)
    if expected and actual and actual != expected:
        raise ForeignLink(actual)


def _strip_wrapping(text: str) -> str:
    text = text.strip()
    # "<https://...>" (autolink) and "#42" are common ways of writing a link or an id
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    markdown = re.fullmatch(r"\[[^\]]*\]\((\S+)\)", text)
    if markdown:
        text = markdown.group(1)
    return text.removeprefix("#") if _DIGITS.match(text.removeprefix("#")) else text


def message_id_from_link(link: str) -> str | None:
    """The message id in a Zulip narrow link or a Rocket.Chat permalink, else None."""
    zulip = _ZULIP_NARROW_ID.search(link)
    if zulip:
        return zulip.group(1)
    memory = _MEMORY_LINK.match(link)
    if memory:
        return memory.group(1)
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not any(kind in segments for kind in _ROCKET_PATHS):
        return None
    ids = parse_qs(parts.query).get("msg", [])
    if ids and _TOKEN_ID.match(ids[0]):
        return ids[0]
    return None


def parse_reference(text: str, *, numeric_ids: bool = False, server: str | None = None) -> str:
    """The message id that ``text`` (an id or a link) names.

    ``numeric_ids``: the server's ids are integers (Zulip), so ``abc`` is malformed rather than
    an unknown message. ``server``: the configured server's URL, which links must point to.
    Raises ``BadReference`` (``ForeignLink`` for a link to another server).
    """
    candidate = _strip_wrapping(text)
    if not candidate:
        raise BadReference("no message given")
    if "://" in candidate or "#narrow/" in candidate:
        found = message_id_from_link(candidate)
        if found is None:
            raise BadReference(f"{_shorten(candidate)} is not a link to a message")
        check_server(candidate, server)
        return found
    pattern = _DIGITS if numeric_ids else _TOKEN_ID
    if pattern.match(candidate):
        return candidate
    kind = "a number" if numeric_ids else "an id"
    raise BadReference(f"{_shorten(candidate)} is not a message: give {kind} or a message link")


def find_message_link(text: str) -> str | None:
    """The id of the first message link anywhere in ``text`` (e.g. a quote-and-reply header
    ``@_**Name|12** [said](https://.../near/42):``), else None."""
    for url in _URL.findall(text):
        found = message_id_from_link(url)
        if found is not None:
            return found
    return None


def referenced_message_id(
    argument: str | None,
    message: Message,
    *,
    numeric_ids: bool = False,
    server: str | None = None,
) -> str:
    """What a ``receipts`` request points at.

    An argument that names a message wins; otherwise a message link in the request (a quote),
    then the thread the request was asked in (Rocket.Chat). Raises ``BadReference`` when
    nothing names a message, ``ForeignLink`` for an argument linking to another server.
    """
    quoted = find_message_link(message.text)
    if argument is not None and argument.strip():
        try:
            return parse_reference(argument, numeric_ids=numeric_ids, server=server)
        except ForeignLink:
            raise
        except BadReference:
            # "who-read this?" under a quote: the words are not a reference, the quote is
            if quoted is None:
                raise
    if quoted is not None:
        return quoted
    if message.conversation.thread_id:
        return message.conversation.thread_id
    raise BadReference("no message given: pass a message id or link, or quote the message")


def _shorten(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")
