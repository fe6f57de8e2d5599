"""[scheduler] timezone must be an IANA zone this machine knows, checked when loading."""

from __future__ import annotations

import pytest

from .conftest import WriteConfig, load, problems_of


@pytest.mark.parametrize("zone", ["Nowhere/City", "Europe", "", "../etc/passwd", "/etc/localtime"])
def test_unknown_zones_are_one_clear_line(write_config: WriteConfig, zone: str) -> None:
    assert problems_of(write_config(f'[scheduler]\ntimezone = "{zone}"\n')) == [
        f"config.toml: scheduler.timezone: unknown time zone {zone!r}: "
        "use an IANA name such as 'Europe/Berlin' or 'UTC'"
    ]


def test_a_zone_from_the_environment_names_the_variable(write_config: WriteConfig) -> None:
    problems = problems_of(write_config(""), {"BOTKIT_SCHEDULER__TIMEZONE": "Mars/Olympus"})
    assert problems == [
        "BOTKIT_SCHEDULER__TIMEZONE: scheduler.timezone: unknown time zone 'Mars/Olympus': "
        "use an IANA name such as 'Europe/Berlin' or 'UTC'"
    ]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires"])
def test_known_zones_load(write_config: WriteConfig, zone: str) -> None:
    loaded = load(write_config(f'[scheduler]\ntimezone = "{zone}"\n'))
    assert loaded.settings.scheduler.timezone == zone
