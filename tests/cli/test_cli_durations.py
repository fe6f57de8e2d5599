"""Durations typed on the command line (--since) beyond 10 years are a usage error, not a crash."""

from __future__ import annotations

import pytest

from .conftest import Invoke


@pytest.mark.parametrize("since", ["200000w", "99999999999999999999d"])
def test_audit_since_too_long(invoke: Invoke, since: str) -> None:
    result = invoke("audit", "--channel", "general", "--since", since)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: --since: {since!r} is too long: durations are at most 10 years (3650d)"
    ]
