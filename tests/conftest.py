"""Suite-wide fixtures."""

import os

import pytest

#: Variables the suite itself reads; every other BOTKIT_* would leak into Settings.
_KEEP = {"BOTKIT_SPECS"}


@pytest.fixture(autouse=True)
def _no_stray_botkit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own BOTKIT_* variables must not change what the tests see."""
    for name in list(os.environ):
        if name.startswith("BOTKIT_") and name not in _KEEP:
            monkeypatch.delenv(name)
