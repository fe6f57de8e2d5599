"""Zulip message payloads -> botkit ``Message``s (and a reply -> POST /messages parameters),
and Zulip's own permalink format.

A payload is a message as Zulip sends it (in a ``message`` event, or from GET /messages with
``apply_markdown=false``), with the bot's ``flags`` for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from botkit.backends.zulip.directory import UserDirectory
from botkit.models import Conversation, Message, User

__all__ = [
    "dm_conversation",
    "hash_encode",
    "message_link",
    "outgoing",
    "to_message",
]

#: ``read_by_sender`` on POST /messages.
_READ_BY_SENDER_FEATURE_LEVEL = 236
#: ``type="direct"`` (before: ``"private"``).
_DIRECT_TYPE_FEATURE_LEVEL = 174


def hash_encode(text: str) -> str:
    """Encode one component of a Zulip hash URL, as Zulip's ``hash_util_encode`` does:
    percent-encode everything (``/`` included), then ``.`` -> ``.2E`` and ``%`` -> ``.``."""
    return quote(text, safe="").replace(".", "%2E").replace("%", ".")


def channel_slug(channel_id: int | str, name: str) -> str:
    """``99-Verona`` style: the id, then the name with spaces as dashes."""
    return f"{channel_id}-{hash_encode(name.replace(' ', '-'))}"


def message_link(site: str, payload: Mapping[str, Any]) -> str:
    """The ``#narrow/.../near/<id>`` permalink Zulip's web app opens at this message."""
    base = site.rstrip("/")
    message_id = payload["id"]
    if payload.get("type") == "stream":
        slug = channel_slug(payload["stream_id"], str(payload.get("display_recipient", "")))
        topic = hash_encode(topic_of(payload))
        return f"{base}/#narrow/channel/{slug}/topic/{topic}/near/{message_id}"
    ids = ",".join(str(i) for i in _participant_ids(payload))
    return f"{base}/#narrow/dm/{ids}/near/{message_id}"


def topic_of(payload: Mapping[str, Any]) -> str:
    # "subject" is what every server version sends; "topic" is accepted for hand-made payloads
    return str(payload.get("subject", payload.get("topic", "")))


def dm_conversation(participant_ids: Iterable[int]) -> Conversation:
    """A direct conversation: id = the sorted participant ids joined by ","."""
    ordered = tuple(str(i) for i in sorted(set(participant_ids)))
    return Conversation.direct(",".join(ordered), participants=ordered)


def _participant_ids(payload: Mapping[str, Any]) -> list[int]:
    recipients = payload.get("display_recipient") or []
    ids = {int(r["id"]) for r in recipients if isinstance(r, Mapping) and "id" in r}
    ids.add(int(payload["sender_id"]))
    return sorted(ids)


def _sender(payload: Mapping[str, Any], directory: UserDirectory) -> User:
    sender_id = int(payload["sender_id"])
    known = directory.get(sender_id)
    if known is not None:
        return known
    return User(
        id=str(sender_id),
        name=str(payload.get("sender_full_name", "")),
        username=str(payload.get("sender_email", "")),
    )


def to_message(
    payload: Mapping[str, Any],
    *,
    site: str,
    directory: UserDirectory,
    private_channels: frozenset[int] | set[int] = frozenset(),
) -> Message:
    """The botkit view of one Zulip message. ``mentions_bot`` comes from the ``mentioned`` flag
    only (a direct @-mention of the bot or of a group it is in), not from wildcard mentions."""
    if payload.get("type") == "stream":
        channel_id = int(payload["stream_id"])
        conversation = Conversation.channel(
            str(channel_id),
            str(payload.get("display_recipient", "")),
            topic=topic_of(payload),
            private=channel_id in private_channels,
        )
    else:
        conversation = dm_conversation(_participant_ids(payload))
    flags = payload.get("flags") or ()
    return Message(
        id=str(payload["id"]),
        sender=_sender(payload, directory),
        conversation=conversation,
        text=str(payload.get("content", "")),
        timestamp=datetime.fromtimestamp(float(payload.get("timestamp", 0)), tz=UTC),
        link=message_link(site, payload),
        mentions_bot="mentioned" in flags,
        raw=dict(payload),
    )


def outgoing(to: Conversation, text: str, *, me_id: int, feature_level: int) -> dict[str, Any]:
    """POST /messages parameters for ``text`` to ``to``, sent by the bot ``me_id``."""
    request: dict[str, Any] = {"content": text}
    if to.is_direct:
        others = [int(p) for p in to.participants if p != str(me_id)]
        direct = feature_level >= _DIRECT_TYPE_FEATURE_LEVEL
        request.update(type="direct" if direct else "private", to=others or [me_id])
    else:
        request.update(type="stream", to=int(to.id), topic=to.topic or "")
    if feature_level >= _READ_BY_SENDER_FEATURE_LEVEL:
        request["read_by_sender"] = True  # never unread for the bot itself
    return request
