"""Who read this? ``!receipts <message id or link>``, ``@bot who read this?`` (under a quote,
in a Rocket.Chat thread, or with an id or link after it), or quote the message and ask.

The answer lists who of the message's audience has read it (with read times on Rocket.Chat) and
who has not, naming people without notifying them. The bot sees more than the person asking, so
it answers only about messages the asker can see, and otherwise gives exactly the reply it gives
for a message that does not exist. About a private message it answers only where nobody else
could read the answer: in that same conversation or in a direct message with the bot. Links
must point to the configured server: one to another server is refused, not read as a local id.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from botkit.commands import find_invocation
from botkit.errors import MessageNotFound, NotSupported, ReadStatusError
from botkit.models import Message
from botkit.plugin import Context, Plugin, command, on_message
from botkit.readstatus.asking import (
    WHO_READ,
    has_quote,
    invocation,
    who_read_argument,
)
from botkit.readstatus.engine import ReadStatusEngine
from botkit.readstatus.format import NO_RECEIPT_EXPLAINED, Formatter, error_reply, escape_text
from botkit.readstatus.refs import (
    BadReference,
    ForeignLink,
    configured_server,
    referenced_message_id,
)

HELP = (
    "Who has read a message: give its id or link, or quote it (on Rocket.Chat, ask inside its "
    'thread); "@bot who read this?" works too. ' + NO_RECEIPT_EXPLAINED
)


COMMAND = "receipts"
ALIASES = ("who-read", "whoread", "read-by")


def _may_ask(message: Message) -> bool:
    """Cheap first filter for ``Receipts.asked``: a quote, or a "who read" question that
    mentions the bot or comes in a direct message."""
    if has_quote(message):
        return True
    addressed = message.mentions_bot or message.is_direct
    return addressed and WHO_READ.search(message.text) is not None


class Receipts(Plugin):
    name = "receipts"

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        #: Count bots among the audience and the readers.
        include_bots: bool = False
        #: Let ``[acl] admins`` ask about messages they cannot see themselves.
        admins_see_all: bool = False
        #: Names listed before "and N more".
        max_names: int = Field(20, ge=1)

    @command(COMMAND, help=HELP, aliases=list(ALIASES))
    async def receipts(self, ctx: Context, *message: str) -> str | None:
        if ctx.message is None:
            return None
        return await _answer(ctx, ctx.message, ctx.args.strip() or " ".join(message))

    @on_message(_may_ask)
    async def asked(self, ctx: Context) -> str | None:
        """The request as people also write it: a question ("@bot who read this? #42"), or a
        request under a quote, which comes first (``@_**Alice|8** [said](link): <quote>
        !receipts`` on Zulip, ``[ ](permalink) who read this?`` on Rocket.Chat)."""
        request = ctx.message
        if request is None:
            return None
        prefix = ctx.settings.bot.command_prefix
        asked = invocation(request, prefix=prefix, bot=ctx.bot)
        if asked is None:
            return None
        if asked.name in (COMMAND, *ALIASES):
            # written as a command in front: the command handler answers it
            in_front = find_invocation(request, prefix=prefix, bot=ctx.bot) is not None
            return None if in_front else await _answer(ctx, request, asked.args)
        question = who_read_argument(asked)
        return None if question is None else await _answer(ctx, request, question)


async def _answer(ctx: Context, request: Message, argument: str) -> str:
    config: Receipts.Config = ctx.config
    backend = ctx.backend
    usage = (
        f"{ctx.settings.bot.command_prefix}{COMMAND} <message id or link> "
        "(or quote the message and ask)"
    )
    try:
        target = referenced_message_id(
            argument or None,
            request,
            numeric_ids=backend.name == "zulip",
            server=configured_server(ctx.settings),
        )
    except ForeignLink as elsewhere:
        return f"That link points to {escape_text(elsewhere.host)}, not to this server."
    except BadReference as problem:
        return f"{problem}. Usage: {usage}"
    engine = ReadStatusEngine(backend, include_bots=config.include_bots, me=ctx.bot)
    see_all = config.admins_see_all and ctx.is_admin
    try:
        message = await engine.resolve(target, request.sender, see_all=see_all)
        if not _safe_to_answer_here(message, request, ctx.bot.id):
            return (
                "That message is in a private conversation: ask me in a direct message, or "
                "in that conversation, so nobody else sees the answer."
            )
        status = await engine.status(message)
    except MessageNotFound:
        return error_reply(MessageNotFound(target), usage)
    except (ReadStatusError, NotSupported) as failure:
        return error_reply(failure, usage, given=target)
    formatter = Formatter(backend.name, max_names=config.max_names)
    return formatter.reply(status, backend.max_message_length)


def _safe_to_answer_here(message: Message, request: Message, bot_id: str) -> bool:
    """A public message may be discussed anywhere; a private one only where it lives or in a
    one-to-one direct message between the asker and the bot."""
    target = message.conversation
    if not target.private and not target.is_direct:
        return True
    here = request.conversation
    if here.kind == target.kind and here.id == target.id:
        return True
    return here.is_direct and set(here.participants) <= {request.sender.id, bot_id}
