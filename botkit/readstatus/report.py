"""The audit as chat messages: least-read first, each with link, sender, time and who has not
read it, then a summary line. The full table follows as a CSV file (``csv_file``) where the
backend can attach one (``uploads``), else as CSV in code blocks, in parts that fit the server's
message length (``csv_parts``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from botkit.readstatus.audit import AuditReport, Order
from botkit.readstatus.export import report_csv
from botkit.readstatus.format import Formatter, escape_text, name_list

__all__ = ["CsvFile", "ReportOptions", "chat_report", "count", "csv_file", "csv_parts"]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    order: Order = "least_read"
    #: Messages listed (the rest are counted in the summary).
    max_messages: int = 20
    #: Name who has not read each message.
    list_not_read: bool = True
    #: End with a summary line for the whole window.
    totals: bool = True
    max_names: int = 10
    #: Follow the report with every row as CSV (in code blocks, in parts).
    full_table: bool = True


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def chat_report(
    report: AuditReport, formatter: Formatter, options: ReportOptions, max_length: int
) -> list[str]:
    """The report as chat messages, each at most ``max_length`` characters."""
    channel = escape_text(report.channel)
    lines = [f"**Read audit of #{channel}**, {_when(report.start)} to {_when(report.end)}"]
    rows = report.ordered(options.order)
    missing_label = "not read yet" if report.absence_means_unread else "no receipt"
    for number, status in enumerate(rows[: options.max_messages], start=1):
        message = status.message
        line = (
            f"{number}. {formatter.message_label(message)} by {formatter.person(message.sender)}"
            f", {_when(message.timestamp)}: read by {status.read_count} of "
            f"{status.audience_count} ({status.percent}%)"
        )
        if options.list_not_read and status.no_receipt:
            names = [formatter.person(u) for u in status.no_receipt]
            line += f"; {missing_label}: {name_list(names, options.max_names)}"
        lines.append(line)
    if not rows:
        lines.append("No messages in this window.")
    elif len(rows) > options.max_messages:
        more = f"… and {count(len(rows) - options.max_messages, 'more message')}"
        lines.append(more + (" (full table below)" if options.full_table else ""))
    if options.totals:
        lines.append(
            f"**Summary:** {count(len(rows), 'message')}, read {report.reads} of "
            f"{count(report.possible_reads, 'time')} ({report.percent}%)"
            + (f", {report.skipped} deleted during the audit" if report.skipped else "")
        )
    return _pack(lines, max_length)


@dataclass(frozen=True, slots=True)
class CsvFile:
    """The full table as a file to attach, with the text of the message that carries it."""

    filename: str
    data: bytes
    caption: str
    content_type: str = "text/csv"


def csv_file(report: AuditReport, order: Order) -> CsvFile:
    """``audit-<channel>-<date>.csv`` (the window's end, UTC): the same CSV as ``csv_parts``."""
    name = re.sub(r"[^\w.-]+", "-", report.channel).strip("-.") or "channel"
    day = report.end.astimezone(UTC).strftime("%Y-%m-%d")
    rows = len(report.rows)
    caption = f"Full table (CSV) of #{escape_text(report.channel)}: {count(rows, 'message')}"
    return CsvFile(f"audit-{name}-{day}.csv", report_csv(report, order).encode("utf-8"), caption)


def csv_parts(report: AuditReport, order: Order, max_length: int) -> list[str]:
    """The CSV table in fenced code blocks (inert: no mention or Markdown inside), split by
    rows so every part fits and keeps the header."""
    text = report_csv(report, order)
    header, *rows = text.splitlines()
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    title = f"Full table (CSV) of #{escape_text(report.channel)}, part "
    overhead = len(title) + 10 + 2 * len(fence) + len("csv") + len(header) + 4
    budget = max(max_length - overhead, 1)
    chunks: list[list[str]] = [[]]
    size = 0
    for row in rows:
        if chunks[-1] and size + len(row) + 1 > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(row[:budget])
        size += len(row[:budget]) + 1
    total = len(chunks)
    return [
        f"{title}{index}/{total}:\n{fence}csv\n" + "\n".join([header, *chunk]) + f"\n{fence}"
        for index, chunk in enumerate(chunks, start=1)
    ]


def count(number: int, noun: str) -> str:
    """``1 message``, ``2 messages``, ``0 messages``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _pack(lines: list[str], max_length: int) -> list[str]:
    """Lines joined into as few messages as fit; an overlong line is cut."""
    parts: list[str] = []
    current = ""
    for whole in lines:
        line = whole[:max_length]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > max_length:
            parts.append(current)
            candidate = line
        current = candidate
    return [*parts, current] if current else parts
