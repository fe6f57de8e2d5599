"""POST /api/v1/user_uploads and GET /user_uploads/...: a CSV round trip through the official
client, the size limit and its real error, uploads turned off (size 0), who may download, no
rate limiting, and the Python / control API."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable
from typing import Any

import requests
import zulip

from botkit.servers.zulip import LocalZulip, ZUser

ClientFor = Callable[[ZUser], zulip.Client]
Org = Any  # conftest's Org: hamlet, othello, cordelia, iago, prospero, bot, channel

ROWS = [
    {"message_id": "12", "sender": "King Hamlet", "read_by": "Othello; Iago", "percent": "67"},
    {"message_id": "13", "sender": 'Cordelia "C", Lear', "read_by": "", "percent": "0"},
]


def _csv_file(name: str, rows: list[dict[str, str]] = ROWS) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    file = io.BytesIO(text.getvalue().encode("utf-8"))
    file.name = name  # the client names the upload after the file object
    return file


def _get(client: zulip.Client, url: str) -> requests.Response:
    """GET with the client's own session (its API key as HTTP Basic auth)."""
    assert client.session is not None
    return client.session.get(url, timeout=10)


def test_csv_round_trip_through_the_official_client(client_for: ClientFor, org: Org) -> None:
    bot = client_for(org.bot)
    answer = bot.upload_file(_csv_file("audit Denmark 2024-05-06.csv"))
    assert answer["result"] == "success"
    assert answer["filename"] == "audit-Denmark-2024-05-06.csv"  # sanitized, as Zulip does
    assert answer["url"] == answer["uri"]
    assert answer["url"].startswith("/user_uploads/2/")
    assert answer["url"].endswith("/audit-Denmark-2024-05-06.csv")
    fetched = _get(bot, bot.base_url.removesuffix("/api/") + answer["url"])
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"] == "text/csv"
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    assert list(csv.DictReader(io.StringIO(fetched.text))) == ROWS


def test_only_the_uploader_and_readers_of_a_linking_message_may_download(
    zserver: LocalZulip, client_for: ClientFor, org: Org
) -> None:
    bot, hamlet, iago = client_for(org.bot), client_for(org.hamlet), client_for(org.iago)
    url = zserver.url + bot.upload_file(_csv_file("t.csv"))["url"]
    assert _get(hamlet, url).status_code == 403
    assert requests.get(url, timeout=10).status_code == 403  # anonymous
    missing = zserver.url + "/user_uploads/2/ab/nothing/t.csv"
    assert _get(hamlet, missing).status_code == 404
    link = f"[t.csv]({url.removeprefix(zserver.url)})"
    sent = bot.send_message({"type": "stream", "to": "Denmark", "topic": "t", "content": link})
    assert sent["result"] == "success"
    assert _get(hamlet, url).status_code == 200  # subscribed
    assert _get(iago, url).status_code == 200  # public channel: readable


def test_a_file_over_the_limit_is_refused_with_the_real_error(
    zserver: LocalZulip, client_for: ClientFor, org: Org
) -> None:
    zserver.set_max_file_upload_size(1)
    big = io.BytesIO(b"x" * (1024 * 1024 + 1))
    big.name = "big.csv"
    answer = client_for(org.bot).upload_file(big)
    assert answer == {
        "result": "error",
        "msg": "File is larger than this server's configured maximum upload size (1 MiB).",
        "code": "BAD_REQUEST",
    }
    exact = io.BytesIO(b"x" * (1024 * 1024))
    exact.name = "exact.csv"
    assert client_for(org.bot).upload_file(exact)["result"] == "success"
    assert [a.filename for a in zserver.uploaded_files()] == ["exact.csv"]


def test_size_zero_turns_uploads_off_and_register_tells(
    zserver: LocalZulip, client_for: ClientFor, org: Org
) -> None:
    bot = client_for(org.bot)
    state = bot.register(event_types=["realm"], fetch_event_types=["realm"])
    assert state["max_file_upload_size_mib"] == 100
    assert zserver.set_max_file_upload_size(0) is True
    assert zserver.set_max_file_upload_size(0) is False  # unchanged: no second event
    events = bot.get_events(queue_id=state["queue_id"], last_event_id=-1)["events"]
    assert [e["data"] for e in events if e["type"] == "realm"] == [{"max_file_upload_size_mib": 0}]
    refused = bot.upload_file(_csv_file("t.csv"))
    assert refused["msg"] == (
        "File is larger than this server's configured maximum upload size (0 MiB)."
    )
    after = bot.register(event_types=["realm"], fetch_event_types=["realm"])
    assert after["max_file_upload_size_mib"] == 0


def test_no_file_or_two_files(zserver: LocalZulip, client_for: ClientFor, org: Org) -> None:
    bot = client_for(org.bot)
    none = bot.call_endpoint("user_uploads", method="POST")
    assert none["msg"] == "You must specify a file to upload"
    two = bot.call_endpoint(
        "user_uploads", method="POST", files=[_csv_file("a.csv"), _csv_file("b.csv")]
    )
    assert two["msg"] == "You may only upload one file at a time"


def test_uploads_are_not_rate_limited(zserver: LocalZulip, client_for: ClientFor, org: Org) -> None:
    zserver.set_rate_limit(2, 60)
    bot = client_for(org.bot)
    for number in range(4):
        assert bot.upload_file(_csv_file(f"{number}.csv"))["result"] == "success"
    assert zserver.count_429() == 0
    assert bot.get_profile()["result"] == "success"  # the API budget is untouched
    assert bot.get_profile()["result"] == "success"
    assert bot.get_profile()["code"] == "RATE_LIMIT_HIT"


def test_control_api_sets_the_limit_and_returns_the_file(
    zserver: LocalZulip, client_for: ClientFor, org: Org, raw: requests.Session
) -> None:
    url = client_for(org.bot).upload_file(_csv_file("t.csv"))["url"]
    control = zserver.url + "/botkit-control/"
    found: dict[str, Any] = raw.post(control + "uploaded_file", json={"url": url}).json()
    assert (found["filename"], found["owner_id"]) == ("t.csv", org.bot.id)
    assert base64.b64decode(found["data_base64"]) == _csv_file("t.csv").getvalue()
    changed = raw.post(control + "max_file_upload_size", json={"mib": 0}).json()
    assert changed == {"changed": True}
    missing = raw.post(control + "uploaded_file", json={"url": "/user_uploads/2/x/y/z"})
    assert missing.status_code == 400
    assert "no uploaded file" in missing.json()["error"]
