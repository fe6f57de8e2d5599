"""Where a report about a channel may be read.

An audit lists who read what in a channel. About a public channel that is no secret. About a
private channel (a Zulip private channel, a Rocket.Chat private group) it may only go where
nobody else can read it: into that same channel, or into a direct message whose people (the bot
aside) are all members of it. The audit plugin applies this to ``!audit`` requests (where the
answer would be posted) and to the destinations of scheduled jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from botkit.backends.base import Backend
from botkit.errors import BackendError
from botkit.models import Conversation

__all__ = ["Target", "may_receive", "sort_targets"]


@dataclass(frozen=True, slots=True)
class Target:
    """A place a report may be sent to, with how to name it in a log line."""

    conversation: Conversation
    label: str


async def may_receive(
    backend: Backend, audited: Conversation, to: Conversation, bot_id: str
) -> bool:
    """Whether a report about ``audited`` may be posted to ``to``."""
    if not audited.private and not audited.is_direct:
        return True
    if not to.is_direct:
        return to.id == audited.id
    people = set(to.participants) or {user.id for user in await backend.members(to)}
    people.discard(bot_id)
    if not people:
        return False
    members = {user.id for user in await backend.members(audited)}
    return people <= members


async def sort_targets(
    backend: Backend, audited: Conversation, targets: Sequence[Target], bot_id: str
) -> tuple[list[Conversation], list[str]]:
    """The targets that may get a report about ``audited``, and for each one left out why, in
    words that follow "the report of private #channel is ...". A target whose members cannot
    be checked (a server error) is left out: privacy wins over delivery."""
    allowed: list[Conversation] = []
    reasons: list[str] = []
    for target in targets:
        try:
            may = await may_receive(backend, audited, target.conversation, bot_id)
        except BackendError as failure:
            reasons.append(f"not posted to {target.label}: members not checked ({failure})")
            continue
        if may:
            allowed.append(target.conversation)
        elif target.conversation.is_direct:
            reasons.append(f"not sent to {target.label}, who is not a member of it")
        else:
            reasons.append(
                f"not posted to {target.label}: only that channel and direct messages to its "
                "members may get it"
            )
    return allowed, reasons
