"""Commands: recognising an invocation, what a command is, and the usage and help texts.

How a command's arguments are parsed and converted lives in ``botkit.command_args``; its names
are re-exported here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from botkit.command_args import ArgumentError, CommandSignature, Param, SignatureError, split_args
from botkit.models import Message, User

__all__ = [
    "ArgumentError",
    "CommandInfo",
    "CommandSignature",
    "Invocation",
    "Param",
    "SignatureError",
    "Trigger",
    "find_invocation",
    "help_for",
    "help_overview",
    "split_args",
]


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """One command as users see it: what ``botkit plugins`` and ``help`` list."""

    plugin: str
    name: str
    help: str
    aliases: tuple[str, ...]
    admin_only: bool
    include_bots: bool
    signature: CommandSignature
    #: The handler's attribute name on the plugin instance (or module).
    attr: str

    def usage(self, prefix: str) -> str:
        args = self.signature.usage()
        return f"{prefix}{self.name} {args}" if args else f"{prefix}{self.name}"


class Trigger(enum.Enum):
    PREFIX = "prefix"  # "!greet bob"
    MENTION = "mention"  # "@**Bot** greet bob"
    DIRECT = "direct"  # "greet bob" in a one-to-one direct message


@dataclass(frozen=True, slots=True)
class Invocation:
    name: str
    args: str
    trigger: Trigger
    #: The user typed the command prefix (``!greet``, also ``@**Bot** !greet``): replies about
    #: the command may show it as ``!greet``; otherwise they quote the word the user wrote.
    prefixed: bool = False

    def shown(self, prefix: str) -> str:
        """The command as the user wrote it: ``!hello`` with the prefix, else ``'hello'``."""
        return f"{prefix}{self.name}" if self.prefixed else f"'{self.name}'"


_ZULIP_MENTION = re.compile(r"@_?\*\*(?P<label>[^*|]+)(?:\|(?P<id>[^*]+))?\*\*")
_HANDLE_MENTION = re.compile(r"@(?P<label>[\w.\-]+)")
_AFTER_MENTION = re.compile(r"[\s:,]*")
_COMMAND_WORD = re.compile(r"(?P<word>[A-Za-z0-9][\w-]*)(?:\s+|$)(?P<args>.*)", re.DOTALL)


def _strip_mention(text: str, bot: User) -> str | None:
    """``text`` without a leading @-mention of ``bot``, or None if it does not start with one."""
    names = {value.casefold() for value in (bot.name, bot.username) if value}
    for pattern in (_ZULIP_MENTION, _HANDLE_MENTION):
        found = pattern.match(text)
        if found and (found["label"].casefold() in names or found.groupdict().get("id") == bot.id):
            rest = text[found.end() :]
            return rest[_AFTER_MENTION.match(rest).end() :]  # type: ignore[union-attr]
    return None


def find_invocation(message: Message, *, prefix: str, bot: User) -> Invocation | None:
    """The command a message invokes, if it is written as one: with the prefix, after a
    leading @-mention of the bot, or as plain text in a one-to-one direct message."""
    text = message.text.strip()
    trigger: Trigger | None = None
    prefixed = False
    if message.mentions_bot:
        rest = _strip_mention(text, bot)
        if rest is not None:
            text, trigger = rest, Trigger.MENTION
    if text.startswith(prefix):
        text, trigger, prefixed = text[len(prefix) :], trigger or Trigger.PREFIX, True
    elif trigger is None and message.is_direct and len(message.conversation.participants) <= 2:
        trigger = Trigger.DIRECT
    found = _COMMAND_WORD.fullmatch(text) if trigger else None
    if trigger is None or found is None:
        return None
    return Invocation(found["word"].lower(), found["args"].strip(), trigger, prefixed)


def help_overview(commands: Sequence[CommandInfo], prefix: str) -> str:
    """The answer to ``help``: every command the asker may use, one line each."""
    if not commands:
        return "There are no commands you can use here."
    lines = ["Commands:"]
    for info in sorted(commands, key=lambda c: c.name):
        line = f"- `{prefix}{info.name}`"
        if info.aliases:
            line += " (also " + ", ".join(f"`{prefix}{alias}`" for alias in info.aliases) + ")"
        if info.help:
            line += f": {info.help}"
        lines.append(line)
    lines.append(f"Send `{prefix}help COMMAND` for its usage.")
    return "\n".join(lines)


def help_for(info: CommandInfo, prefix: str) -> str:
    """The answer to ``help NAME``: usage line, help text and aliases."""
    lines = [f"Usage: {info.usage(prefix)}"]
    if info.help:
        lines.append(info.help)
    if info.aliases:
        lines.append("Aliases: " + ", ".join(f"{prefix}{alias}" for alias in info.aliases))
    return "\n".join(lines)
