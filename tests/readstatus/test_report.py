"""Audit output: chat report parts, CSV and JSON parsed back."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

from botkit.models import Conversation, Message, Receipt, User
from botkit.readstatus.audit import AuditReport
from botkit.readstatus.engine import ReadStatus
from botkit.readstatus.export import CSV_COLUMNS, report_csv, report_json
from botkit.readstatus.format import Formatter
from botkit.readstatus.report import ReportOptions, chat_report, csv_parts

START = datetime(2026, 11, 14, 12, 0, tzinfo=UTC)


def _report(count: int, *, readers: int = 1) -> AuditReport:
    people = [User(f"u{i}", f"Person {i}", username=f"p{i}") for i in range(6)]
    people.append(User("u99", "@all `evil`", username="evil"))
    sender = User("s1", "Alice")
    rows = []
    for index in range(count):
        message = Message(
            str(100 + index),
            sender,
            Conversation.channel("5", "general", topic="t"),
            "text",
            START + timedelta(hours=index),
            link=f"https://chat.example.com/#narrow/channel/5-general/topic/t/near/{100 + index}",
        )
        read = tuple(
            Receipt(p, START + timedelta(hours=index, minutes=5))
            for p in people[: readers + index % 3]
        )
        rows.append(ReadStatus(message, tuple(people), read, tuple(people[len(read) :]), True))
    return AuditReport("general", START, START + timedelta(days=7), tuple(rows), 0, True)


def test_csv_parses_back_with_every_message() -> None:
    report = _report(5)
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 5
    assert rows[0]["read_by_count"] == "1"
    assert rows[0]["audience_count"] == "7"
    assert "@all `evil`" in rows[0]["no_receipt"]  # data files keep names as they are


def test_json_has_the_documented_shape() -> None:
    data = json.loads(json.dumps(report_json(_report(3))))
    assert data["channel"] == "general"
    first = data["messages"][0]
    assert {
        "message_id",
        "sender",
        "sent_at",
        "read_by_count",
        "audience_count",
        "read_by",
        "no_receipt",
    } <= set(first)
    assert first["read_by"][0] == {
        "id": "u0",
        "name": "Person 0",
        "read_at": "2026-11-14T12:05:00+00:00",
    }
    counts = [m["read_by_count"] / m["audience_count"] for m in data["messages"]]
    assert counts == sorted(counts)  # least read first


def test_chat_report_lists_least_read_first_with_summary() -> None:
    parts = chat_report(_report(3), Formatter("rocketchat"), ReportOptions(), 10_000)
    assert len(parts) == 1
    lines = parts[0].splitlines()
    assert lines[0].startswith("**Read audit of #general**, 2026-11-14 12:00 UTC to")
    assert lines[1].startswith("1. [message 100](https://chat.example.com/")
    assert "read by 1 of 7 (14%); not read yet: Person 1, Person 2" in lines[1]
    assert lines[-1] == "**Summary:** 3 messages, read 6 of 21 times (29%)"
    assert not re.search(r"(?<![\w@])@[\w.-]", parts[0])  # "@all" in a name notifies nobody


def test_chat_report_splits_into_parts_that_fit() -> None:
    parts = chat_report(_report(60), Formatter("zulip"), ReportOptions(max_messages=60), 800)
    assert len(parts) > 1
    assert all(len(part) <= 800 for part in parts)
    assert "**Summary:** 60 messages" in parts[-1]


def test_chat_report_truncates_long_lists() -> None:
    options = ReportOptions(max_messages=2, max_names=2)
    text = "\n".join(chat_report(_report(5), Formatter("zulip"), options, 10_000))
    assert "and 4 more" in text
    assert "… and 3 more messages (full table below)" in text


def test_csv_parts_fit_and_reassemble() -> None:
    report = _report(40)
    parts = csv_parts(report, "least_read", 700)
    assert len(parts) > 1
    assert all(len(part) <= 700 for part in parts)
    rows = []
    for part in parts:
        body = part.split("```csv\n", 1)[1].rsplit("\n```", 1)[0]
        rows += list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 40


def test_csv_fence_outlasts_backticks_in_names() -> None:
    report = _report(1)
    evil = User("u98", "```", username="x")
    row = report.rows[0]
    report = AuditReport(
        "general", START, START, (ReadStatus(row.message, (evil,), (), (evil,), True),)
    )
    part = csv_parts(report, "least_read", 10_000)[0]
    assert "````csv\n" in part
    assert part.endswith("\n````")


def test_summary_says_one_time_and_one_message() -> None:
    sender = User("s1", "Alice")
    reader = User("u1", "Bob")
    message = Message("7", sender, Conversation.channel("5", "general"), "hi", START)
    row = ReadStatus(message, (reader,), (), (reader,), True)
    report = AuditReport("general", START, START + timedelta(days=1), (row,), 0, True)
    text = chat_report(report, Formatter("rocketchat"), ReportOptions(), 10_000)[0]
    assert text.splitlines()[-1] == "**Summary:** 1 message, read 0 of 1 time (0%)"
