"""config.example.toml documents every key, and is what `botkit init` writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from botkit.cli.scaffold import config_text
from botkit.config import Settings

from .conftest import load

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _keys(annotation, f"{prefix}{name}.")
        elif f"{prefix}{name}" != "acl.commands":  # a table of tables: its keys are below
            keys.append(f"{prefix}{name}")
    return keys


ALL_KEYS = _keys(Settings) + [f"acl.commands.<command>.{key}" for key in ("allow_users",
    "deny_users", "allow_channels", "deny_channels", "admin_only")]  # fmt: skip


def test_example_is_the_init_template() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == config_text([])


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_key_is_documented(key: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    section, _, name = key.rpartition(".")
    if section.startswith("acl.commands."):
        section = "acl.commands.receipts"
    header = re.search(rf"^#? ?\[{re.escape(section)}\]$", text, re.MULTILINE)
    assert header, f"no [{section}] table"
    assignment = re.compile(rf"^#? ?{re.escape(name)} = ", re.MULTILINE)
    next_header = re.compile(r"^#? ?\[", re.MULTILINE).search(text, header.end())
    found = assignment.search(text, header.end(), next_header.start() if next_header else len(text))
    assert found, f"{key} is not in its section"
    comment_above = text[: found.start()].rstrip("\n").rsplit("\n", 1)[-1]
    assert comment_above.startswith("#"), f"{key} has no comment above it"


def test_example_loads_with_the_documented_defaults() -> None:
    settings = load(EXAMPLE).settings
    defaults = Settings.model_construct()
    for section in ("scheduler", "delivery", "catch_up", "acl"):
        assert getattr(settings, section) == getattr(defaults, section), section
    assert settings.bot.model_dump(exclude={"data_dir"}) == defaults.bot.model_dump(
        exclude={"data_dir"}
    )
