"""Access control: who may run which command where."""

from __future__ import annotations

import pytest

from botkit.acl import is_admin, is_allowed
from botkit.config.schema import AclSection
from botkit.models import Conversation, User

from .conftest import ChatFactory

ALICE = User("u1", "Alice", "alice")
BOB = User("u2", "Bob", "bob")
OPS = Conversation.channel("c9", "ops")
RANDOM = Conversation.channel("c8", "random")
DM = Conversation.direct("u1,u7", ("u1", "u7"))


def acl(**commands: dict[str, object]) -> AclSection:
    return AclSection.model_validate({"admins": ["@Root", "u42"], "commands": commands})


def test_without_rules_everyone_may() -> None:
    assert is_allowed(acl(), "greet", ALICE, RANDOM)
    assert is_allowed(acl(), "greet", ALICE, DM)


def test_users_match_by_id_or_username() -> None:
    rules = acl(greet={"allow_users": ["u1", "@BOB"]})
    assert is_allowed(rules, "greet", ALICE, OPS)
    assert is_allowed(rules, "greet", BOB, OPS)
    assert not is_allowed(rules, "greet", User("u3", "Carol", "carol"), OPS)


def test_deny_wins_over_allow() -> None:
    rules = acl(greet={"allow_users": ["alice", "bob"], "deny_users": ["alice"]})
    assert not is_allowed(rules, "greet", ALICE, OPS)
    assert is_allowed(rules, "greet", BOB, OPS)


def test_channels_match_by_name_or_id() -> None:
    rules = acl(deploy={"allow_channels": ["#ops"]}, greet={"deny_channels": ["c8"]})
    assert is_allowed(rules, "deploy", ALICE, OPS)
    assert not is_allowed(rules, "deploy", ALICE, RANDOM)
    assert not is_allowed(rules, "deploy", ALICE, DM)  # a DM is in no channel
    assert not is_allowed(rules, "greet", ALICE, RANDOM)
    assert is_allowed(rules, "greet", ALICE, DM)


@pytest.mark.parametrize("admin", [User("u42", "Root", "whoever"), User("u5", "R", "root")])
def test_admins_pass_everything(admin: User) -> None:
    rules = acl(deploy={"deny_users": [admin.id, admin.username], "admin_only": True})
    assert is_admin(rules, admin)
    assert is_allowed(rules, "deploy", admin, DM)
    assert not is_allowed(rules, "deploy", BOB, OPS)
    assert not is_allowed(acl(), "reset", BOB, OPS, admin_only=True)


PLUGIN = """
    from botkit.plugin import Plugin, command

    class Ops(Plugin):
        @command("greet", aliases=["hi"])
        async def greet(self, ctx) -> str:
            return "hello"

        @command("reset", admin_only=True)
        async def reset(self, ctx) -> str:
            return f"reset (admin: {ctx.is_admin})"
"""


async def test_denied_users_get_a_short_refusal(chat_factory: ChatFactory) -> None:
    chat = await chat_factory(
        {"ops.py": PLUGIN},
        acl={"admins": ["bob"], "commands": {"greet": {"deny_users": ["alice"]}}},
    )
    refusal = ["Sorry, you are not allowed to use !greet."]
    assert await chat.send("!greet") == refusal
    assert await chat.send("!hi") == refusal  # an alias is the same command
    assert await chat.send("!greet", sender=chat.bob) == ["hello"]
    assert await chat.send("!reset") == ["Sorry, you are not allowed to use !reset."]
    assert await chat.send("!reset", sender=chat.bob) == ["reset (admin: True)"]


async def test_channel_rules_apply_in_chat(chat_factory: ChatFactory) -> None:
    chat = await chat_factory(
        {"ops.py": PLUGIN}, acl={"commands": {"greet": {"allow_channels": ["general"]}}}
    )
    assert await chat.send("!greet") == ["hello"]
    assert await chat.send("greet", to=chat.dm(chat.alice)) == [
        "Sorry, you are not allowed to use !greet."
    ]
