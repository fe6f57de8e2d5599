"""What [bot] send_read_receipts means on Zulip: the policy table."""

from __future__ import annotations

import pytest

from botkit.backends.zulip.readstate import ReadPolicy


@pytest.mark.parametrize(
    ("wanted", "account", "marks_read", "visible"),
    [
        (False, True, False, True),
        (False, None, False, True),  # unknown account setting: assume the default (on)
        (False, False, True, False),
        (True, False, True, False),
        (True, True, True, True),
        (None, True, True, True),
        (None, False, True, False),
    ],
)
def test_policy_table(
    wanted: bool | None, account: bool | None, marks_read: bool, visible: bool
) -> None:
    policy = ReadPolicy(wanted)
    policy.set_account(account)
    assert policy.marks_read is marks_read
    assert policy.receipts_visible is visible


def test_not_marking_read_explains_how_to_get_read_state_back() -> None:
    policy = ReadPolicy(False)
    policy.set_account(True)
    assert "does not mark messages read" in policy.describe()
    advice = policy.advice()
    assert advice is not None
    assert "administrator" in advice
    assert "off" in advice


def test_wanting_receipts_with_the_account_setting_off_warns() -> None:
    policy = ReadPolicy(True)
    policy.set_account(False)
    assert "others do not see" in policy.describe()
    advice = policy.advice()
    assert advice is not None
    assert "hides its read receipts" in advice


def test_following_the_account_gives_no_advice() -> None:
    policy = ReadPolicy(None)
    policy.set_account(True)
    assert policy.advice() is None
    assert "others see it" in policy.describe()


def test_set_account_reports_a_mode_switch() -> None:
    policy = ReadPolicy(False)
    assert policy.set_account(True) is False  # unknown -> visible: still not marking
    assert policy.set_account(False) is True
    assert policy.marks_read
    assert policy.set_account(True) is True
    assert not policy.marks_read


def test_servers_without_receipts_always_mark_read() -> None:
    policy = ReadPolicy(False)
    policy.feature_level = 100
    policy.set_account(True)
    assert policy.marks_read
    assert "no read receipts" in policy.describe()
    assert policy.advice() is None
