"""Audit results as data: JSON, CSV and table rows (the same fields everywhere).

JSON follows the documented shape ``{"channel", "messages": [{"message_id", "sender",
"sent_at", "read_by_count", "audience_count", "read_by", "no_receipt"}]}``; CSV has one row per
message with the names joined by "; ". These are files and terminals, not chat: no escaping.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from botkit.models import User
from botkit.readstatus.audit import AuditReport, Order
from botkit.readstatus.engine import ReadStatus

__all__ = ["CSV_COLUMNS", "report_csv", "report_json", "status_json", "table_rows"]

CSV_COLUMNS = (
    "message_id",
    "link",
    "sender",
    "sent_at",
    "read_by_count",
    "audience_count",
    "percent",
    "read_by",
    "no_receipt",
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _person(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name}


def status_json(status: ReadStatus) -> dict[str, Any]:
    """``{"message_id", "read_by": [{"id", "name", "read_at"}], "no_receipt": [...]}`` plus
    the counts and the message's facts."""
    message = status.message
    return {
        "message_id": message.id,
        "link": message.link,
        "sender": _person(message.sender),
        "sent_at": _iso(message.timestamp),
        "read_by_count": status.read_count,
        "audience_count": status.audience_count,
        "read_by": [
            {**_person(receipt.user), "read_at": _iso(receipt.read_at)}
            for receipt in status.readers
        ],
        "no_receipt": [_person(user) for user in status.no_receipt],
    }


def report_json(report: AuditReport, order: Order = "least_read") -> dict[str, Any]:
    return {
        "channel": report.channel,
        "since": _iso(report.start),
        "until": _iso(report.end),
        "read_by_count": report.reads,
        "audience_count": report.possible_reads,
        "messages": [status_json(row) for row in report.ordered(order)],
    }


def table_rows(report: AuditReport, order: Order = "least_read") -> list[dict[str, str]]:
    """One dict of display strings per message, keyed by ``CSV_COLUMNS``."""
    rows = []
    for status in report.ordered(order):
        message = status.message
        rows.append(
            {
                "message_id": message.id,
                "link": message.link,
                "sender": message.sender.name,
                "sent_at": message.timestamp.isoformat(),
                "read_by_count": str(status.read_count),
                "audience_count": str(status.audience_count),
                "percent": str(status.percent),
                "read_by": "; ".join(r.user.name for r in status.readers),
                "no_receipt": "; ".join(u.name for u in status.no_receipt),
            }
        )
    return rows


def report_csv(report: AuditReport, order: Order = "least_read") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table_rows(report, order))
    return buffer.getvalue()
