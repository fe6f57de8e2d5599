"""Who may run which command, from ``[acl]``.

Rules, in order: admins (``[acl] admins``) may run everything; an ``admin_only`` command (set by
the decorator or by ``[acl.commands.<name>] admin_only``) refuses everyone else; a deny rule
wins over an allow rule; ``allow_users`` / ``allow_channels``, when given, refuse everyone and
everywhere not listed (a direct message is in no channel). Users match by id or username,
channels by name or id; names ignore case and a leading ``@`` / ``#``.
"""

from __future__ import annotations

from collections.abc import Iterable

from botkit.config.schema import AclSection, CommandAcl
from botkit.models import Conversation, User

__all__ = ["is_admin", "is_allowed", "user_matches"]


def _norm(value: str, sigil: str) -> str:
    return value.strip().removeprefix(sigil).casefold()


def user_matches(user: User, entries: Iterable[str]) -> bool:
    """Whether any entry names ``user`` (by id, exactly, or by username, ignoring case)."""
    username = user.username.casefold()
    for entry in entries:
        if entry.strip() == user.id or (username and _norm(entry, "@") == username):
            return True
    return False


def _channel_matches(conversation: Conversation, entries: Iterable[str]) -> bool:
    if conversation.is_direct:
        return False
    name = conversation.name.casefold()
    for entry in entries:
        if entry.strip() == conversation.id or (name and _norm(entry, "#") == name):
            return True
    return False


def is_admin(acl: AclSection, user: User) -> bool:
    return user_matches(user, acl.admins)


def is_allowed(
    acl: AclSection,
    command: str,
    user: User,
    conversation: Conversation,
    *,
    admin_only: bool = False,
) -> bool:
    """Whether ``user`` may run ``command`` (its primary name) in ``conversation``."""
    if is_admin(acl, user):
        return True
    rule = acl.commands.get(command, CommandAcl())
    if admin_only or rule.admin_only:
        return False
    if user_matches(user, rule.deny_users) or _channel_matches(conversation, rule.deny_channels):
        return False
    if rule.allow_users is not None and not user_matches(user, rule.allow_users):
        return False
    return rule.allow_channels is None or _channel_matches(conversation, rule.allow_channels)
