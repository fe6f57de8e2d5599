"""Durations: "90s" ... "2w" or seconds, never negative, at most 10 years, clear errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from botkit.config import parse_duration

from .conftest import WriteConfig, problems_of

TOO_LONG = "is too long: durations are at most 10 years (3650d)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("1.5h", timedelta(minutes=90)),
        (" 2w ", timedelta(weeks=2)),
        (30, timedelta(seconds=30)),
        ("3650d", timedelta(days=3650)),
        (timedelta(days=1), timedelta(days=1)),
    ],
)
def test_valid_durations(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("200000w", f"'200000w' {TOO_LONG}"),
        ("3651d", f"'3651d' {TOO_LONG}"),
        ("99999999999999999999d", f"'99999999999999999999d' {TOO_LONG}"),
        ("9" * 400 + "s", f"'{'9' * 27}... {TOO_LONG}"),
        (10**400, f"{'1' + '0' * 27}... {TOO_LONG}"),
        (1e300, f"1e+300 {TOO_LONG}"),
        (timedelta(days=4000), f"datetime.timedelta(days=4000) {TOO_LONG}"),
        (-5, "-5 is not a duration: it must not be negative"),
        (float("nan"), "nan is not a duration: use a number and a unit (90s, 30m, 24h, 7d)"),
        ("soon", "'soon' is not a duration: use a number and a unit (90s, 30m, 24h, 7d)"),
    ],
)
def test_bad_durations_raise_a_clear_value_error(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(value)
    assert str(caught.value) == message


def test_the_longest_duration_is_safe_to_subtract_from_now() -> None:
    assert datetime.now() - parse_duration("3650d") < datetime.now()


def test_an_overlong_setting_is_one_line(write_config: WriteConfig) -> None:
    assert problems_of(write_config('[catch_up]\nmax_age = "200000w"\n')) == [
        f"config.toml: catch_up.max_age: '200000w' {TOO_LONG}"
    ]
