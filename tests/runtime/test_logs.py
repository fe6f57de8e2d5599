"""Logging set-up: text or JSON lines, the level, and secrets never printed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from botkit.config import Settings
from botkit.logs import add_secrets, secrets_of, setup_logging

API_KEY = "zk_9f8e7d6c5b4a39281706"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    out = io.StringIO()
    yield out
    root.handlers[:] = handlers
    root.setLevel(level)


def test_text_lines_hide_secrets_in_message_args_and_traceback(stream: io.StringIO) -> None:
    setup_logging("INFO", "text", secrets=[API_KEY], stream=stream)
    log = logging.getLogger("botkit.test")
    log.info("connecting with key %s", API_KEY)
    try:
        raise RuntimeError(f"server said: bad key {API_KEY}")
    except RuntimeError:
        log.exception("connect failed")
    text = stream.getvalue()
    assert API_KEY not in text
    assert "connecting with key ***" in text
    assert "RuntimeError: server said: bad key ***" in text
    assert " INFO    botkit.test: " in text


def test_json_lines(stream: io.StringIO) -> None:
    setup_logging("WARNING", "json", secrets=[API_KEY], stream=stream)
    log = logging.getLogger("botkit.test")
    log.info("not shown at WARNING")
    log.warning("token %s refused", API_KEY)
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "botkit.test"
    assert entry["message"] == "token *** refused"
    assert entry["time"].endswith("+00:00")


def test_setting_up_twice_replaces_the_handler(stream: io.StringIO) -> None:
    setup_logging("INFO", stream=stream)
    setup_logging("INFO", stream=stream)
    logging.getLogger("botkit.test").info("once")
    assert stream.getvalue().count("once") == 1


def test_secrets_from_settings_are_added_later(stream: io.StringIO) -> None:
    setup_logging("INFO", stream=stream)
    settings = Settings.model_validate(
        {"zulip": {"api_key": API_KEY}, "rocketchat": {"password": "hunter2-long"}}
    )
    assert sorted(secrets_of(settings)) == sorted([API_KEY, "hunter2-long"])
    add_secrets(secrets_of(settings))
    logging.getLogger("botkit.test").warning("login hunter2-long / %s", API_KEY)
    assert stream.getvalue().rstrip().endswith("login *** / ***")
