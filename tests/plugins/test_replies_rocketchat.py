"""What people get back on the local Rocket.Chat when they ask as people do: "who read this?"
inside a thread, the help text (in Rocket.Chat's words), and ``botkit receipts`` as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from botkit.cli import cli

from .rc_world import RcWorld, rc_world
from .running import running


@pytest.fixture
def world(tmp_path: Path) -> Iterator[RcWorld]:
    with rc_world(tmp_path) as made:
        yield made


def _announce(world: RcWorld) -> str:
    """Alice announces; Bob reads; Carol and Dave do not."""
    mid = world.server.send_message(world.alice, world.general, "Release on Friday")
    world.server.read_room(world.bob, world.general)
    return mid


async def test_who_read_this_inside_a_thread_and_the_help_text(world: RcWorld) -> None:
    mid = _announce(world)
    async with running(world.settings()):
        in_thread = await world.ask(
            world.carol, world.general, "@receipt-bot who read this?", tmid=mid
        )
        helped = await world.ask(world.carol, world.general, "!help receipts")
    assert in_thread.startswith("**Read by 1 of 3** (33%)")
    assert f"msg={mid})" in in_thread
    assert world.bot_posts(world.general)[0][2] == mid  # answered in the thread
    assert 'On Rocket.Chat, "Not read yet" lists who has not read the message.' in helped
    assert len(world.bot_posts()) == 2  # no "Unknown command" besides


def test_receipts_text_output_aligns_its_labels(world: RcWorld, tmp_path: Path) -> None:
    mid = _announce(world)
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[bot]
backend = "rocketchat"
data_dir = "{world.data_dir}"

[rocketchat]
server_url = "{world.server.url}"
user_id = "{world.bot.id}"
auth_token = "{world.bot.auth_token}"
"""
    )
    result = CliRunner().invoke(cli, ["receipts", "-c", str(config), mid])
    assert result.exit_code == 0, result.output
    listed = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert [line[:15] for line in listed] == [
        "  read         ",
        "  not read yet ",
        "  not read yet ",
    ]
    assert [line[15:].split("  (")[0] for line in listed] == [
        "Bob Builder",
        "Carol Danvers",
        "Dave Admin",
    ]
