"""GET /api/v1/settings.public: ids by ``_id`` or ``query``, paging, values that follow the
server's settings (read-receipt ones forced off without the licence), no login needed."""

from __future__ import annotations

import json
from typing import Any

from rocketchat_API.rocketchat import RocketChat

from botkit.servers.rocketchat import LocalRocketChat

IDS = "Message_MaxAllowedSize,Message_Read_Receipt_Enabled,Message_Read_Receipt_Store_Users"


def _values(body: dict[str, object]) -> dict[str, object]:
    settings = body["settings"]
    assert isinstance(settings, list)
    return {s["_id"]: s["value"] for s in settings}


def test_by_ids_through_the_official_client_without_login(server: LocalRocketChat) -> None:
    anonymous = RocketChat(user_id="", auth_token="", server_url=server.url)
    try:
        body = anonymous.call_api_get("settings.public", _id=IDS)
    finally:
        anonymous.session.close()
    assert body["success"] is True
    assert _values(body) == {
        "Message_MaxAllowedSize": 5000,
        "Message_Read_Receipt_Enabled": True,
        "Message_Read_Receipt_Store_Users": True,
    }
    assert (body["count"], body["offset"], body["total"]) == (3, 0, 3)


def test_values_follow_the_settings_and_the_licence(server: LocalRocketChat, raw: Any) -> None:
    server.set_settings(max_message_size=300, store_users=False)
    body = raw.get("/api/v1/settings.public", _id=IDS).json()
    assert _values(body) == {
        "Message_MaxAllowedSize": 300,
        "Message_Read_Receipt_Enabled": True,
        "Message_Read_Receipt_Store_Users": False,
    }
    server.set_settings(store_users=True, licence=False)
    body = raw.get("/api/v1/settings.public", _id=IDS).json()
    assert body["settings"][1:] == [
        {"_id": "Message_Read_Receipt_Enabled", "value": False},
        {"_id": "Message_Read_Receipt_Store_Users", "value": False},
    ]


def test_query_json_and_paging(raw: Any, org: Any) -> None:
    one = raw.get(
        "/api/v1/settings.public", org.alice, query=json.dumps({"_id": "Message_MaxAllowedSize"})
    ).json()
    assert one["settings"] == [{"_id": "Message_MaxAllowedSize", "value": 5000}]
    chosen = {"_id": {"$in": ["Message_Read_Receipt_Enabled", "Nope"]}}
    some = raw.get("/api/v1/settings.public", query=json.dumps(chosen)).json()
    assert _values(some) == {"Message_Read_Receipt_Enabled": True}
    second = raw.get("/api/v1/settings.public", _id=IDS, count=1, offset=1).json()
    assert second["settings"] == [{"_id": "Message_Read_Receipt_Enabled", "value": True}]
    assert (second["count"], second["offset"], second["total"]) == (1, 1, 3)
    everything = raw.get("/api/v1/settings.public").json()
    assert everything["total"] == 5  # with FileUpload_Enabled and FileUpload_MaxFileSize


def test_a_bad_query_is_a_400_naming_it(raw: Any) -> None:
    answer = raw.get("/api/v1/settings.public", query="{not json")
    assert answer.status_code == 400
    assert answer.json() == {
        "success": False,
        "error": 'Invalid query parameter provided: "{not json" [error-invalid-query]',
        "errorType": "error-invalid-query",
    }
    assert raw.get("/api/v1/settings.public", query='{"_id": 3}').status_code == 400
