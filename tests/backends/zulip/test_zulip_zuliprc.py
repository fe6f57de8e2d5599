"""Building the client from a zuliprc: a malformed file is named, never quoted (its API key)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from botkit.backends.zulip.construct import build_client
from botkit.config.schema import ZulipSection
from botkit.errors import ConfigError

SECRET = "LEAKEDSEKRET123"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f"key={SECRET}\n[api]\nemail=bot@x.org\nsite=https://x.org\n", "not a zuliprc file"),
        (f"[api]\nemail=bot@x.org\n{SECRET}\n", "not a zuliprc file"),
        (f"[other]\nkey={SECRET}\n", "no [api] section"),
        (f"[api]\nkey={SECRET}\nsite=https://x.org\n", "[api] email: missing"),
        (f"[api]\nemail=b@x.org\nkey=%{SECRET}\nsite=https://x.org\n", "[api] key: cannot be read"),
    ],
    ids=["key-before-section", "stray-line", "no-api", "no-email", "lone-percent"],
)
def test_a_bad_zuliprc_is_a_config_error_without_its_contents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, text: str, problem: str
) -> None:
    caplog.set_level(logging.DEBUG)
    zuliprc = tmp_path / "zrc"
    zuliprc.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        build_client(ZulipSection(zuliprc=zuliprc))
    error = caught.value
    assert error.message == f"[zulip] zuliprc: {zuliprc} cannot be used"
    assert error.problems[0].startswith(f"{zuliprc}: {problem}")
    shown = " ".join([str(error), *error.problems, repr(error), caplog.text])
    assert SECRET not in shown
    assert error.__context__ is None  # not even a --debug traceback shows the parser's error


def test_a_good_zuliprc_logs_in(zulip_server: Any, tmp_path: Path) -> None:
    bot = zulip_server.create_bot("Bot", email="bot@example.com")
    zuliprc = tmp_path / "zrc"
    zuliprc.write_text(f"[api]\nemail={bot.email}\nkey={bot.api_key}\nsite={zulip_server.url}\n")
    client = build_client(ZulipSection(zuliprc=zuliprc))
    assert client.email == "bot@example.com"
    assert client.get_profile()["email"] == "bot@example.com"
