"""The receipts command on the memory backend: triggers, argument forms, privacy, errors."""

from __future__ import annotations

import pytest

from botkit.errors import NotSupported, ReceiptsDisabled, ServerTooOld

from .conftest import TeamFactory


async def test_prefix_command_answers_with_readers_and_no_receipt(
    team_factory: TeamFactory,
) -> None:
    team = await team_factory()
    [reply] = await team.ask(f"!receipts {team.announcement.id}")
    assert reply.startswith("**Read by 1 of 3** (33%)")
    assert "Read (1): Bob (" in reply
    assert "No receipt (2): Carol, Dave" in reply
    assert "Alice" in reply.splitlines()[0]  # the sender is named, not counted


@pytest.mark.parametrize("alias", ["who-read", "whoread", "read-by"])
async def test_aliases(team_factory: TeamFactory, alias: str) -> None:
    team = await team_factory()
    [reply] = await team.ask(f"!{alias} {team.announcement.id}")
    assert reply.startswith("**Read by 1 of 3**")


async def test_mention_and_direct_message_triggers(team_factory: TeamFactory) -> None:
    team = await team_factory()
    [by_mention] = await team.ask(f"@botkit receipts {team.announcement.id}", mentions_bot=True)
    dm = team.backend.direct(team.bob, team.bot)
    [by_dm] = await team.ask(f"receipts {team.announcement.link}", to=dm)
    assert by_mention.startswith("**Read by 1 of 3**")
    assert by_dm.startswith("**Read by 1 of 3**")


async def test_quote_and_reply(team_factory: TeamFactory) -> None:
    team = await team_factory()
    quote = (
        f"@_**Alice|{team.alice.id}** [said]({team.announcement.link}):\n"
        "```quote\nLunch at noon\n```\n"
    )
    [reply] = await team.ask(quote + "!receipts")
    assert reply.startswith("**Read by 1 of 3**")


async def test_include_bots_counts_the_bot_itself(team_factory: TeamFactory) -> None:
    team = await team_factory(receipts={"include_bots": True})
    await team.backend.mark_read([team.announcement])
    [reply] = await team.ask(f"!receipts {team.announcement.id}")
    assert reply.startswith("**Read by 2 of 4**")
    assert "botkit" in reply


async def test_non_member_gets_the_not_found_reply(team_factory: TeamFactory) -> None:
    team = await team_factory()
    dm = team.backend.direct(team.carol, team.bot)
    [hidden] = await team.ask(f"!receipts {team.secret_note.id}", sender=team.carol, to=dm)
    [missing] = await team.ask("!receipts 99999", sender=team.carol, to=dm)
    assert hidden == missing.replace("99999", team.secret_note.id)
    assert "can't find message" in hidden


async def test_member_is_answered_privately_only(team_factory: TeamFactory) -> None:
    team = await team_factory()
    [in_public] = await team.ask(f"!receipts {team.secret_note.id}", sender=team.bob)
    assert "private conversation" in in_public
    assert "Read by" not in in_public
    [in_place] = await team.ask(f"!receipts {team.secret_note.id}", to=team.secret)
    assert in_place.startswith("**Read by 0 of 1**")


async def test_admins_see_all_only_when_configured(team_factory: TeamFactory) -> None:
    closed = await team_factory()  # Dave is in [acl] admins, but not in #secret
    dm = closed.backend.direct(closed.dave, closed.bot)
    [reply] = await closed.ask(f"!receipts {closed.secret_note.id}", sender=closed.dave, to=dm)
    assert "can't find message" in reply

    opened = await team_factory(receipts={"admins_see_all": True})
    dm = opened.backend.direct(opened.dave, opened.bot)
    [admin] = await opened.ask(f"!receipts {opened.secret_note.id}", sender=opened.dave, to=dm)
    assert admin.startswith("**Read by 0 of 1**")
    dm = opened.backend.direct(opened.carol, opened.bot)
    [other] = await opened.ask(f"!receipts {opened.secret_note.id}", sender=opened.carol, to=dm)
    assert "can't find message" in other


async def test_malformed_argument_gets_usage(team_factory: TeamFactory) -> None:
    team = await team_factory()
    [reply] = await team.ask("!receipts banana split")
    assert "'banana split' is not a message" in reply
    assert "Usage: !receipts <message id or link>" in reply
    [empty] = await team.ask("!receipts")
    assert "no message given" in empty


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ReceiptsDisabled("Read receipts are disabled in this organization."),
            "turned off in this organization",
        ),
        (
            ReceiptsDisabled(
                "read receipts are a Rocket.Chat premium (Enterprise) feature: licence"
            ),
            "premium",
        ),
        (ServerTooOld("read receipts need Zulip 6.0 or newer"), "too old"),
        (NotSupported("nope"), "can't answer that here"),
    ],
)
async def test_read_errors_get_clear_replies(
    team_factory: TeamFactory, error: Exception, expected: str
) -> None:
    team = await team_factory()
    team.backend.fail_next("read_receipts", error)
    [reply] = await team.ask(f"!receipts {team.announcement.id}")
    assert expected in reply


async def test_nasty_names_ping_nobody(team_factory: TeamFactory) -> None:
    team = await team_factory()
    evil = team.backend.add_user("@all", username="evil")
    channel = team.backend.add_channel("town", [team.alice, evil, team.bob])
    note = team.backend.inject_offline("hi", team.alice, channel)
    team.backend.read(evil, note)
    [reply] = await team.ask(f"!receipts {note.id}", to=channel)
    assert "@all" not in reply
    assert "@\u200ball" in reply


async def test_help_explains_no_receipt_once(team_factory: TeamFactory) -> None:
    team = await team_factory()
    [text] = await team.ask("!help receipts")
    assert "Usage: !receipts" in text
    assert text.count('"No receipt" lists') == 1
    assert 'On Rocket.Chat, "Not read yet" lists who has not read the message.' in text
    assert "turned off read receipts" in text
    assert "Aliases: !who-read, !whoread, !read-by" in text
