"""Who has read a message, who has not, and who may ask.

The audience of a message is everyone who can read its conversation, minus the sender, minus
bots (unless ``include_bots``) and deactivated accounts. Readers are the backend's receipts
within that audience (a former member who read it still counts). The rest have "no receipt":
on Rocket.Chat that means not read yet; on Zulip it may also mean they turned their read
receipts off, which the server hides on purpose, so botkit never calls them "unread" there.

Privacy: the bot sees more than the person asking. ``resolve`` answers only when the requester
could see the message themselves, and otherwise raises the very same ``MessageNotFound`` as for
a message that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from botkit.backends.base import Backend
from botkit.errors import MessageNotFound
from botkit.models import Conversation, Message, Receipt, User

__all__ = ["ReadStatus", "ReadStatusEngine"]

#: Message ids are at most signed 64-bit integers on Zulip (its database's bigint); a larger
#: number names no message, and some servers answer it with an error rather than "not found".
_LARGEST_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class ReadStatus:
    """The read state of one message, ready to format."""

    message: Message
    #: Everyone the message is for (sorted by name).
    audience: tuple[User, ...]
    #: Receipts of audience members, earliest reader first where times are known.
    readers: tuple[Receipt, ...]
    #: Audience members without a receipt (sorted by name).
    no_receipt: tuple[User, ...]
    #: True where a missing receipt means "not read yet" (Rocket.Chat); False where it may also
    #: mean "read receipts turned off" (Zulip).
    absence_means_unread: bool

    @property
    def read_count(self) -> int:
        return len(self.readers)

    @property
    def audience_count(self) -> int:
        return len(self.audience)

    @property
    def percent(self) -> int:
        """Readers as a rounded percentage of the audience (100 for an empty audience)."""
        if not self.audience:
            return 100
        return round(100 * len(self.readers) / len(self.audience))


def _by_name(user: User) -> tuple[str, str]:
    return (user.name.casefold(), user.id)


def _reading_order(receipt: Receipt) -> tuple[bool, str, str, str]:
    # known times first, in order; unknown ones (Zulip) by name
    stamp = receipt.read_at.isoformat() if receipt.read_at else ""
    return (receipt.read_at is None, stamp, receipt.user.name.casefold(), receipt.user.id)


class ReadStatusEngine:
    """Read status over any backend. Members per conversation are cached for the engine's
    lifetime: make one per request (chat command) or per run (audit)."""

    def __init__(
        self, backend: Backend, *, include_bots: bool = False, me: User | None = None
    ) -> None:
        self.backend = backend
        self.include_bots = include_bots
        self._members: dict[str, tuple[User, ...]] = {}
        #: Ids of bot accounts from the user directory: member lists and receipts may not say
        #: (Rocket.Chat's carry no roles). ``me``, the bot asking, is one of them.
        self._bot_ids: set[str] | None = None
        self._me = me

    async def bot_ids(self) -> set[str]:
        if self._bot_ids is None:
            directory = await self.backend.users()
            self._bot_ids = {u.id for u in directory if u.is_bot}
            if self._me is not None:
                self._bot_ids.add(self._me.id)
        return self._bot_ids

    @property
    def absence_means_unread(self) -> bool:
        return self.backend.name == "rocketchat"

    async def members(self, conversation: Conversation) -> tuple[User, ...]:
        key = f"{conversation.kind}:{conversation.id}"
        if key not in self._members:
            self._members[key] = tuple(await self.backend.members(conversation))
        return self._members[key]

    async def can_see(self, requester: User, message: Message) -> bool:
        """Whether ``requester`` could read ``message`` themselves: any public channel message,
        a private channel's members, a direct message's participants."""
        conversation = message.conversation
        if requester.id == message.sender.id:
            return True
        if conversation.is_direct and conversation.participants:
            return requester.id in conversation.participants
        if not conversation.private and not conversation.is_direct:
            return True
        return any(member.id == requester.id for member in await self.members(conversation))

    async def resolve(
        self, message_id: str, requester: User | None = None, *, see_all: bool = False
    ) -> Message:
        """The message ``message_id`` if ``requester`` may see it (``None`` or ``see_all``:
        no check, for the CLI and configured admins). Raises ``MessageNotFound`` alike for
        unknown and hidden messages, and for numeric ids too large for any server (not sent)."""
        if message_id.isascii() and message_id.isdigit() and int(message_id) > _LARGEST_ID:
            raise MessageNotFound(message_id)
        message = await self.backend.fetch_message(message_id)
        if requester is None or see_all:
            return message
        if not await self.can_see(requester, message):
            raise MessageNotFound(message_id)
        return message

    def _counts(self, user: User, sender: User, bots: set[str]) -> bool:
        if user.id == sender.id or not user.is_active:
            return False
        return self.include_bots or not (user.is_bot or user.id in bots)

    async def status(self, message: Message) -> ReadStatus:
        """Readers and no-receipt members of ``message`` (read errors propagate)."""
        receipts = await self.backend.read_receipts(message)
        members = await self.members(message.conversation)
        bots = set() if self.include_bots else await self.bot_ids()
        readers = _unique(r for r in receipts if self._counts(r.user, message.sender, bots))
        reader_ids = {r.user.id for r in readers}
        audience = {u.id: u for u in members if self._counts(u, message.sender, bots)}
        audience.update({r.user.id: r.user for r in readers})
        no_receipt = [u for uid, u in audience.items() if uid not in reader_ids]
        return ReadStatus(
            message=message,
            audience=tuple(sorted(audience.values(), key=_by_name)),
            readers=tuple(sorted(readers, key=_reading_order)),
            no_receipt=tuple(sorted(no_receipt, key=_by_name)),
            absence_means_unread=self.absence_means_unread,
        )


def _unique(receipts: Iterable[Receipt]) -> list[Receipt]:
    """One receipt per user, the earliest (Rocket.Chat may store a reader twice)."""
    best: dict[str, Receipt] = {}
    for receipt in receipts:
        seen = best.get(receipt.user.id)
        if seen is None or (
            receipt.read_at is not None and (seen.read_at is None or receipt.read_at < seen.read_at)
        ):
            best[receipt.user.id] = receipt
    return list(best.values())
