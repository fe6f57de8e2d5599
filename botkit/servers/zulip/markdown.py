"""A tiny subset of Zulip Markdown: mentions (which set flags), bold, paragraphs.

GET /messages returns rendered HTML by default; events carry the raw Markdown. Only mentions
matter for behaviour: ``@**Full Name**`` and ``@**Full Name|id**`` mention (flag ``mentioned``),
``@_**...**`` is a silent mention (no flag, no notification), ``@**all**``/``everyone``/
``channel``/``stream`` set ``stream_wildcard_mentioned`` and ``@**topic**`` sets
``topic_wildcard_mentioned``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Mentions", "render"]

_MENTION = re.compile(r"@(_?)\*\*([^*|]+?)(?:\|(\d+))?\*\*")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
STREAM_WILDCARDS = frozenset({"all", "everyone", "channel", "stream"})

#: (name, id or None) -> (user id, full name) of the mentioned user, or None.
Resolver = Callable[[str, int | None], tuple[int, str] | None]


@dataclass
class Mentions:
    user_ids: set[int] = field(default_factory=set)
    stream_wildcard: bool = False
    topic_wildcard: bool = False


def render(content: str, resolve: Resolver) -> tuple[str, Mentions]:
    """HTML of ``content`` and the (non-silent) mentions it makes."""
    mentions = Mentions()
    pieces: list[str] = []
    last = 0
    for match in _MENTION.finditer(content):
        pieces.append(_inline(content[last : match.start()]))
        last = match.end()
        silent, name, raw_id = match.group(1) == "_", match.group(2), match.group(3)
        lowered = name.strip().lower()
        if raw_id is None and lowered in STREAM_WILDCARDS | {"topic"}:
            if not silent:
                if lowered == "topic":
                    mentions.topic_wildcard = True
                else:
                    mentions.stream_wildcard = True
            kind = "topic-mention" if lowered == "topic" else "channel-wildcard-mention"
            pieces.append(f'<span class="user-mention {kind}" data-user-id="*">@{lowered}</span>')
            continue
        found = resolve(name.strip(), int(raw_id) if raw_id else None)
        if found is None:
            pieces.append(_inline(match.group(0)))
            continue
        user_id, full_name = found
        if silent:
            pieces.append(
                f'<span class="user-mention silent" data-user-id="{user_id}">'
                f"{html.escape(full_name)}</span>"
            )
        else:
            mentions.user_ids.add(user_id)
            pieces.append(
                f'<span class="user-mention" data-user-id="{user_id}">'
                f"@{html.escape(full_name)}</span>"
            )
    pieces.append(_inline(content[last:]))
    text = "".join(pieces)
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]
    rendered = "\n".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    return rendered, mentions


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return _BOLD.sub(r"<strong>\1</strong>", escaped)
