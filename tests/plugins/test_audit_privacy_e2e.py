"""Audits of private channels end to end: on the local Zulip (private channel) and Rocket.Chat
(private group) the report goes only into that channel or to its members by direct message."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from botkit.config import Settings

from .rc_world import rc_world
from .running import make_due, running
from .zulip_world import ZulipWorld, zulip_world

REFUSAL = (
    "That channel is private: ask me in it or in a direct message, so nobody else sees the report."
)


def _with_admins(settings: Settings, *admins: str) -> Settings:
    return settings.model_copy(update={"acl": settings.acl.model_copy(update={"admins": admins})})


async def test_zulip_audit_of_a_private_channel_stays_private(tmp_path: Path) -> None:
    with zulip_world(tmp_path) as world:
        world.server.send_message(world.alice, world.secret, "plans", "Secret plan")
        settings = _with_admins(world.settings(), str(world.dave.id), str(world.bob.id))
        async with running(settings):
            outsider = await world.ask(world.dave, "!audit secret 1h")
            member_in_public = await world.ask(world.bob, "!audit secret 1h")
            member_direct = await world.ask_directly(world.bob, "audit secret 1h")
            outsider_direct = await world.ask_directly(world.dave, "audit secret 1h")
        assert outsider == member_in_public == REFUSAL
        assert member_direct.startswith("**Read audit of #secret**")
        assert outsider_direct == "That channel is private: only its members can get its audit."
        with world.server.lock:
            public = [
                m.content
                for m in world.server.state.messages.values()
                if m.sender_id == world.bot.id and m.channel_id == world.general
            ]
        assert public == [REFUSAL, REFUSAL]


JOB = {
    "id": "weekly",
    "cron": "0 9 * * 1",
    "channels": ["secret"],
    "since": "1d",
    "post_to": {
        "channel": "general",
        "topic": "read audit",
        "users": ["carol@example.com", "bob@example.com"],
    },
}


async def test_zulip_job_sends_a_private_report_only_to_members(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with zulip_world(tmp_path) as world:
        settings = world.settings(audit={"jobs": [JOB]})
        async with running(settings):
            pass  # first start: the job is stored with its next run next Monday
        world.server.send_message(world.alice, world.secret, "plans", "Secret plan")
        make_due(world.data_dir, "audit:weekly")
        with caplog.at_level(logging.WARNING):
            async with running(settings):
                await world.wait_for_posts(2)  # the report and its CSV file, to Bob
        _only_bob_got_it(world)
    skipped = [r.getMessage() for r in caplog.records if "private #secret" in r.getMessage()]
    assert skipped == [
        "audit job 'weekly': the report of private #secret is not posted to #general: only that "
        "channel and direct messages to its members may get it",
        "audit job 'weekly': the report of private #secret is not sent to Carol Danvers, who is "
        "not a member of it",
    ]


def _only_bob_got_it(world: ZulipWorld) -> None:
    with world.server.lock:
        sent = [m for m in world.server.state.messages.values() if m.sender_id == world.bot.id]
    assert len(sent) == 2
    assert {m.dm_user_ids for m in sent} == {tuple(sorted((world.bob.id, world.bot.id)))}
    assert sent[0].content.startswith("**Read audit of #secret**")


async def test_rocketchat_audit_of_a_private_group_is_refused_in_public(tmp_path: Path) -> None:
    with rc_world(tmp_path) as world:
        world.server.send_message(world.alice, world.secret, "Secret plan")
        async with running(_with_admins(world.settings(), "dave", "bob")):
            reply = await world.ask(world.dave, world.general, "!audit secret 1h")
            in_place = await world.ask(world.bob, world.secret, "!audit secret 1h")
    assert reply == REFUSAL
    assert in_place.startswith("**Read audit of #secret**")
