"""``botkit receipts MESSAGE`` and ``botkit audit --channel NAME``: read status from the shell.

Both connect with the configured backend, make their calls and close (no runtime loop, no
catch-up, nothing marked read). They see what the bot account sees: there is no "asker" to
check, so the privacy rule of the chat command does not apply. ``audit`` reports the same
messages as the chat ``!audit`` (requests to the bot left out). Ctrl-C stops either at once with
exit code 130, as for ``botkit run``.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from botkit.cli.common import config_option, load

if TYPE_CHECKING:
    from botkit.backends.base import Backend
    from botkit.config import Settings
    from botkit.models import User
    from botkit.readstatus.audit import AuditReport
    from botkit.readstatus.engine import ReadStatus

__all__ = ["audit", "receipts"]

T = TypeVar("T")


def _settings(config_path: Path | None) -> Settings:
    from botkit.config import require_backend_credentials

    loaded = load(config_path)
    require_backend_credentials(loaded)
    return loaded.settings


@asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[tuple[Backend, User]]:
    """The configured backend and the bot's own user, connected with throw-away state (the
    bot's cursors are not touched), and closed afterwards."""
    from botkit.backends import create_backend
    from botkit.store import Store

    backend = create_backend(settings)
    me = await backend.connect(Store.in_memory().kv(f"cli:{backend.name}"))
    try:
        yield backend, me
    finally:
        await backend.close()


def _run(settings: Settings, job: Callable[[Backend, User], Awaitable[T]]) -> T:
    async def main() -> T:
        async with connected(settings) as (backend, me):
            return await job(backend, me)

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        # the shell's convention for Ctrl-C, as `botkit run` exits on a second one
        click.echo("interrupted", err=True)
        raise click.exceptions.Exit(130) from None


def _include_bots(settings: Settings, plugin: str, flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return settings.plugins.section(plugin).get("include_bots") is True


@click.command()
@config_option
@click.argument("message")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts.",
)
@click.option(
    "--include-bots/--no-include-bots",
    default=None,
    help="Count bots [default: [plugins.receipts] include_bots].",
)
def receipts(
    config_path: Path | None, message: str, output_format: str, include_bots: bool | None
) -> None:
    """Who has read MESSAGE (an id or a message link as the web client copies it).

    JSON: {"message_id", "read_by": [{"id", "name", "read_at"}], "no_receipt": [{"id", "name"}]}
    plus counts. On Zulip, "no receipt" means not read yet OR read receipts turned off (Zulip
    hides those readers); on Rocket.Chat it means not read yet.
    """
    from botkit.errors import UsageError
    from botkit.readstatus.engine import ReadStatusEngine
    from botkit.readstatus.refs import (
        BadReference,
        ForeignLink,
        configured_server,
        parse_reference,
    )

    settings = _settings(config_path)
    bots = _include_bots(settings, "receipts", include_bots)
    numeric = settings.bot.backend == "zulip"
    try:
        message_id = parse_reference(
            message, numeric_ids=numeric, server=configured_server(settings)
        )
    except ForeignLink as elsewhere:
        raise UsageError(str(elsewhere)) from None
    except BadReference as problem:
        raise UsageError(f"{problem} (MESSAGE is a message id or link)") from None

    async def job(backend: Backend, me: User) -> ReadStatus:
        engine = ReadStatusEngine(backend, include_bots=bots, me=me)
        return await engine.status(await engine.resolve(message_id))

    status = _run(settings, job)
    if output_format == "json":
        from botkit.readstatus.export import status_json

        click.echo(json.dumps(status_json(status), indent=2, ensure_ascii=False))
    else:
        click.echo(_status_text(status))


def _stamp(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _status_text(status: ReadStatus) -> str:
    message = status.message
    lines = [
        f"Message {message.id} by {message.sender.name} in {message.conversation.describe()}, "
        f"sent {_stamp(message.timestamp)}",
    ]
    if message.link:
        lines.append(message.link)
    lines.append(f"Read by {status.read_count} of {status.audience_count} ({status.percent}%)")
    label = "not read yet" if status.absence_means_unread else "no receipt"
    width = max(len("read"), len(label))
    for receipt in status.readers:
        when = _stamp(receipt.read_at)
        lines.append(f"  {'read':<{width}} {receipt.user.name}" + (f"  ({when})" if when else ""))
    lines.extend(f"  {label:<{width}} {user.name}" for user in status.no_receipt)
    return "\n".join(lines)


@click.command()
@config_option
@click.option("--channel", required=True, metavar="NAME", help="Channel (Zulip) or room to audit.")
@click.option(
    "--since",
    default="7d",
    show_default=True,
    metavar="DURATION",
    help="How far back: 90m, 24h, 7d, 2w.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write here instead of standard output.",
)
@click.option(
    "--include-bots/--no-include-bots",
    default=None,
    help="Count bots [default: [plugins.audit] include_bots].",
)
def audit(
    *,
    config_path: Path | None,
    channel: str,
    since: str,
    output_format: str,
    output: Path | None,
    include_bots: bool | None,
) -> None:
    """Read status of every message sent in CHANNEL over the last --since, least read first.

    Calls are paced under the server's rate limit ([plugins.audit] max_requests_per_minute,
    default 180 on Zulip), so a large channel takes a while: a progress bar shows on a terminal.
    JSON: {"channel", "messages": [{"message_id", "sender", "sent_at", "read_by_count",
    "audience_count", "read_by", "no_receipt"}]}.
    """
    from botkit.config import parse_duration
    from botkit.errors import UsageError

    try:
        window = parse_duration(since)
    except (ValueError, OverflowError) as problem:
        raise UsageError(f"--since: {problem}") from None
    if window <= timedelta(0):
        raise UsageError("--since must be longer than 0s")
    if output is not None:
        _check_writable(output)
    settings = _settings(config_path)
    bots = _include_bots(settings, "audit", include_bots)
    report = _run(
        settings,
        lambda backend, me: _audit(
            backend, me, settings, channel=channel, window=window, bots=bots
        ),
    )
    text = _render(report, output_format)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        from botkit.readstatus.report import count

        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {count(len(report.rows), 'message')} to {output}", err=True)


def _check_writable(path: Path) -> None:
    """``UsageError`` now, before connecting, when ``--output`` cannot be written: an audit can
    take minutes, and its result would be lost."""
    from botkit.errors import UsageError

    if path.is_dir():
        raise UsageError(f"--output: {path} is a folder; give a file name")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise UsageError(f"--output: {path} cannot be written (permission denied)")
        return
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--output: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--output: cannot create files in {folder} (permission denied)")


async def _audit(
    backend: Backend, me: User, settings: Settings, *, channel: str, window: timedelta, bots: bool
) -> AuditReport:
    from botkit.readstatus.history import history_source
    from botkit.readstatus.settings import AuditorSettings

    configured = AuditorSettings.from_table(settings.plugins.section("audit"))
    if bots:
        configured = configured.model_copy(update={"include_bots": True})
    auditor = configured.auditor(
        backend,
        history_source(backend, settings),
        me,
        command_prefix=settings.bot.command_prefix,
    )
    if not sys.stderr.isatty():
        return await auditor.run(channel, window)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(f"auditing #{channel}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return await auditor.run(channel, window, progress=advance)


def _render(report: AuditReport, output_format: str) -> str:
    from botkit.readstatus.export import report_csv, report_json, table_rows

    if output_format == "json":
        return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        return report_csv(report)
    return _table(report, table_rows(report))


def _table(report: AuditReport, rows: list[dict[str, Any]]) -> str:
    from rich.console import Console
    from rich.table import Table

    from botkit.readstatus.report import count

    label = "not read yet" if report.absence_means_unread else "no receipt"
    table = Table(
        title=f"#{report.channel}: {_stamp(report.start)} to {_stamp(report.end)}",
        caption=f"{count(len(report.rows), 'message')}, read {report.reads} of "
        f"{count(report.possible_reads, 'time')} ({report.percent}%)",
    )
    for column in ("message", "sender", "sent", "read", label):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["message_id"],
            row["sender"],
            row["sent_at"][:16].replace("T", " "),
            f"{row['read_by_count']}/{row['audience_count']} ({row['percent']}%)",
            row["no_receipt"],
        )
    buffer = io.StringIO()
    Console(width=120, file=buffer, color_system=None).print(table)
    return buffer.getvalue()
