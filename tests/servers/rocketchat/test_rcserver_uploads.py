"""rooms.media + rooms.mediaConfirm and GET /file-upload/...: a CSV round trip through
rocketchat-API, FileUpload_MaxFileSize and FileUpload_Enabled with the real errors, who may
download, and the Python / control API."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from botkit.servers.rocketchat import LocalRocketChat, RcUser

Client = Callable[[RcUser], RocketChat]
CSV = 'message_id,sender,read_by\nm1,Alice,Bob; Carol\nm2,"Bob, B",\n'


def _upload(rc: RocketChat, rid: str, data: bytes = CSV.encode(), name: str = "a.csv") -> str:
    answer = rc.rooms_media(rid, (name, data, "text/csv"))
    assert answer["success"] is True
    file_id: str = answer["file"]["_id"]
    return file_id


def _refusal(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(RocketApiException) as refused:
        call()
    assert refused.value.status_code == 400
    body: dict[str, Any] = refused.value.response_json
    return body


def test_csv_round_trip_through_rocketchat_api(
    server: LocalRocketChat, org: Any, client: Client
) -> None:
    bot, carol = client(org.bot), client(org.carol)
    uploaded = bot.rooms_media(org.general, ("audit-general-2024-05-06.csv", CSV.encode(), None))
    file_id = uploaded["file"]["_id"]
    assert len(file_id) == 24
    assert uploaded["file"]["url"] == f"/file-upload/{file_id}/audit-general-2024-05-06.csv"
    posted = bot.rooms_media_confirm(org.general, file_id, msg="Full table (CSV)")["message"]
    assert posted["msg"] == "Full table (CSV)"
    assert posted["file"] == {
        "_id": file_id,
        "name": "audit-general-2024-05-06.csv",
        "type": "text/csv",  # guessed from the name: no part Content-Type was sent
        "size": len(CSV),
        "format": "csv",
    }
    seen = carol.chat_get_message(msg_id=posted["_id"])["message"]
    link = seen["attachments"][0]["title_link"]
    assert seen["attachments"][0]["title_link_download"] is True
    fetched = carol.session.get(server.url + link, headers=carol.headers, timeout=10)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Disposition"] == (
        'attachment; filename="audit-general-2024-05-06.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(fetched.text)))
    assert rows == [
        {"message_id": "m1", "sender": "Alice", "read_by": "Bob; Carol"},
        {"message_id": "m2", "sender": "Bob, B", "read_by": ""},
    ]
    assert server.uploaded_file(link).message_id == posted["_id"]


def test_max_file_size_is_the_real_error(server: LocalRocketChat, org: Any, client: Client) -> None:
    server.set_settings(max_file_size=10)
    bot = client(org.bot)
    body = _refusal(lambda: _upload(bot, org.general, b"x" * 11))
    assert body == {
        "success": False,
        "error": "[error-file-too-large]",
        "errorType": "error-file-too-large",
    }
    _upload(bot, org.general, b"x" * 10)
    server.set_settings(max_file_size=-1)  # no limit
    _upload(bot, org.general, b"x" * 100_000)


def test_uploads_turned_off(server: LocalRocketChat, org: Any, client: Client, raw: Any) -> None:
    server.set_settings(file_upload_enabled=False)
    body = _refusal(lambda: _upload(client(org.bot), org.general))
    assert body == {
        "success": False,
        "error": "File uploads are disabled. [error-file-upload-disabled]",
        "errorType": "error-file-upload-disabled",
    }
    public = raw.get("/api/v1/settings.public", _id="FileUpload_Enabled,FileUpload_MaxFileSize")
    assert public.json()["settings"] == [
        {"_id": "FileUpload_Enabled", "value": False},
        {"_id": "FileUpload_MaxFileSize", "value": 104857600},
    ]
    assert server.uploaded_files() == []


def test_bad_uploads(server: LocalRocketChat, org: Any, client: Client) -> None:
    alice, carol = client(org.alice), client(org.carol)
    wrong_field = requests.post(
        f"{server.url}/api/v1/rooms.media/{org.general}",
        files={"upload": ("a.csv", b"x")},
        headers=alice.headers,
        timeout=10,
    )
    assert wrong_field.json()["error"] == "[invalid-field]"
    no_file = requests.post(
        f"{server.url}/api/v1/rooms.media/{org.general}",
        files={"content": (None, "{}")},
        headers=alice.headers,
        timeout=10,
    )
    assert no_file.json()["errorType"] == "error-no-file-uploaded"
    with pytest.raises(RocketApiException) as outsider:
        _upload(carol, org.private)  # carol is not in the private group
    assert outsider.value.status_code == 403


def test_confirm_checks_owner_room_and_size(
    server: LocalRocketChat, org: Any, client: Client
) -> None:
    alice, bob = client(org.alice), client(org.bob)
    file_id = _upload(alice, org.general)
    assert _refusal(lambda: bob.rooms_media_confirm(org.general, file_id))["error"] == (
        "[invalid-file]"
    )
    server.set_settings(max_message_size=5)
    too_long = _refusal(lambda: alice.rooms_media_confirm(org.general, file_id, msg="123456"))
    assert too_long["errorType"] == "error-message-size-exceeded"
    assert alice.rooms_media_confirm(org.general, file_id, msg="12345")["success"] is True


def test_downloads_need_a_login_with_room_access(
    server: LocalRocketChat, org: Any, client: Client
) -> None:
    file_id = _upload(client(org.alice), org.private)
    url = f"{server.url}/file-upload/{file_id}/a.csv"
    assert requests.get(url, timeout=10).status_code == 403
    carol = client(org.carol)
    assert carol.session.get(url, headers=carol.headers, timeout=10).status_code == 403
    cookies = {"rc_uid": org.alice.id, "rc_token": org.alice.auth_token}
    by_cookie = requests.get(url, cookies=cookies, timeout=10)
    assert by_cookie.content == CSV.encode()
    missing = requests.get(f"{server.url}/file-upload/nope/a.csv", cookies=cookies, timeout=10)
    assert missing.status_code == 404


def test_control_api(server: LocalRocketChat, org: Any, client: Client, raw: Any) -> None:
    assert raw.post("/botkit-control/settings", {"max_file_size": 3}).status_code == 200
    assert server.settings.max_file_size == 3
    server.set_settings(max_file_size=1000)
    file_id = _upload(client(org.bot), org.general)
    found = raw.get("/botkit-control/uploaded_file", id=file_id).json()["file"]
    assert (found["name"], found["userId"], found["confirmed"]) == ("a.csv", org.bot.id, False)
    assert base64.b64decode(found["data_base64"]) == CSV.encode()
    assert raw.get("/botkit-control/uploaded_file", id="nope").status_code == 400
