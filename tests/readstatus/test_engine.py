"""Audience, readers and no-receipt lists, and who may ask."""

from __future__ import annotations

import pytest

from botkit.errors import MessageNotFound, ReceiptsDisabled
from botkit.models import Receipt
from botkit.readstatus.engine import ReadStatusEngine

from .conftest import Org


async def test_readers_and_no_receipt_leave_out_sender_bots_and_deactivated(org: Org) -> None:
    status = await ReadStatusEngine(org.backend).status(org.announcement)
    assert [r.user.name for r in status.readers] == ["Carol", "Bob"]  # earliest reader first
    assert [u.name for u in status.no_receipt] == ["Dave"]
    assert (status.read_count, status.audience_count, status.percent) == (2, 3, 67)
    assert org.alice not in status.audience


async def test_include_bots_counts_bots_in_the_audience(org: Org) -> None:
    status = await ReadStatusEngine(org.backend, include_bots=True).status(org.announcement)
    assert {r.user.name for r in status.readers} == {"Carol", "Bob", "Helper"}
    # the bot running the command is a member too, and has not marked this message read
    assert {u.name for u in status.no_receipt} == {"Dave", "botkit"}


async def test_a_reader_who_left_the_channel_still_counts(org: Org) -> None:
    org.backend.set_receipts(
        org.announcement.id, [Receipt(org.bob), Receipt(org.outsider), Receipt(org.alice)]
    )
    status = await ReadStatusEngine(org.backend).status(org.announcement)
    assert {r.user.name for r in status.readers} == {"Bob", "Olga Outsider"}
    assert status.audience_count == 4  # Bob, Carol, Dave + Olga; never the sender Alice


async def test_duplicate_receipts_count_once(org: Org) -> None:
    org.backend.set_receipts(org.announcement.id, [Receipt(org.bob), Receipt(org.bob)])
    status = await ReadStatusEngine(org.backend).status(org.announcement)
    assert status.read_count == 1


async def test_members_are_fetched_once_per_engine(org: Org) -> None:
    engine = ReadStatusEngine(org.backend)
    await engine.status(org.announcement)
    org.backend.fail_next("members", AssertionError("members fetched twice"))
    await engine.status(org.announcement)


async def test_absence_means_unread_only_on_rocketchat(org: Org) -> None:
    assert not ReadStatusEngine(org.backend).absence_means_unread
    org.backend.name = "rocketchat"
    assert ReadStatusEngine(org.backend).absence_means_unread


async def test_private_channel_is_answered_for_members_only(org: Org) -> None:
    engine = ReadStatusEngine(org.backend)
    message = await engine.resolve(org.secret_note.id, org.bob)
    assert message.id == org.secret_note.id
    with pytest.raises(MessageNotFound) as hidden:
        await engine.resolve(org.secret_note.id, org.dave)
    with pytest.raises(MessageNotFound) as missing:
        await engine.resolve("999999", org.dave)
    # a hidden message and a missing one read the same, apart from the id the user typed
    assert str(hidden.value).replace(org.secret_note.id, "N") == str(missing.value).replace(
        "999999", "N"
    )


async def test_public_channel_is_answered_for_anyone(org: Org) -> None:
    message = await ReadStatusEngine(org.backend).resolve(org.announcement.id, org.outsider)
    assert message.id == org.announcement.id


async def test_direct_messages_are_answered_for_participants_only(org: Org) -> None:
    dm = org.backend.direct(org.alice, org.bob, org.backend.bot_user)
    note = org.backend.inject_offline("hi", org.alice, dm)
    engine = ReadStatusEngine(org.backend)
    assert (await engine.resolve(note.id, org.bob)).id == note.id
    with pytest.raises(MessageNotFound):
        await engine.resolve(note.id, org.carol)


async def test_see_all_skips_the_privacy_check(org: Org) -> None:
    engine = ReadStatusEngine(org.backend)
    assert (await engine.resolve(org.secret_note.id, org.dave, see_all=True)).id


async def test_read_errors_propagate(org: Org) -> None:
    org.backend.fail_next("read_receipts", ReceiptsDisabled("disabled in this organization"))
    with pytest.raises(ReceiptsDisabled):
        await ReadStatusEngine(org.backend).status(org.announcement)


@pytest.mark.parametrize("message_id", ["9223372036854775808", "9" * 25])
async def test_an_id_too_large_for_any_server_is_not_found_without_asking(
    org: Org, message_id: str
) -> None:
    org.backend.fail_next("fetch_message", AssertionError("the server was asked"))
    with pytest.raises(MessageNotFound):
        await ReadStatusEngine(org.backend).resolve(message_id)
