"""`botkit plugins`: docstrings as plain text, and failures naming where the setting came from."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .conftest import ZULIP_CONFIG, Invoke

MARKED_UP = '''
    """Counts ``!ping`` calls (see ``[plugins.marked]``)."""
    from botkit.plugin import command


    @command("ping", help="Answers ``pong``; ``!ping loud`` shouts.")
    async def ping(ctx):
        return "pong"
'''


def _config(extra: str = "") -> None:
    text = ZULIP_CONFIG.format(api_key="k") + '[plugins]\npaths = ["plugins"]\n' + extra
    Path("config.toml").write_text(text, encoding="utf-8")


def test_docstrings_and_help_lose_their_rest_backticks(invoke: Invoke) -> None:
    Path("plugins").mkdir()
    Path("plugins/marked.py").write_text(textwrap.dedent(MARKED_UP), encoding="utf-8")
    _config()
    result = invoke("plugins")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index(f"marked  (path {Path.cwd() / 'plugins' / 'marked.py'})")
    assert lines[start + 1 : start + 4] == [
        "    Counts !ping calls (see [plugins.marked]).",
        "    !ping",
        "        Answers pong; !ping loud shouts.",
    ]
    assert "``" not in result.stdout  # the bundled plugins' docstrings too


def test_failures_name_the_variable_or_file_of_the_setting(invoke: Invoke) -> None:
    Path("plugins").mkdir()
    _config("[plugins.receipts]\nmax_names = 0\n")
    result = invoke("plugins", env={"BOTKIT_PLUGINS__ENABLED": '["receipts", "receipt"]'})
    assert result.exit_code == 2
    failures = result.stderr.splitlines()
    assert failures[:2] == ["", "failed to load:"]
    assert failures[2] == "    config.toml: plugins.receipts.max_names: must be at least 1"
    assert failures[3].startswith(
        "    BOTKIT_PLUGINS__ENABLED: plugin 'receipt': is in [plugins] enabled but does not exist"
    )
