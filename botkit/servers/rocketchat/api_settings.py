"""Public settings: ``GET /api/v1/settings.public`` (no login needed; a logged-in caller is
recognised, so the rate limiter treats it as everywhere else).

Rocket.Chat lists the settings marked public, paged with count/offset (default 50) and narrowed by
``_id`` (comma-separated ids). Servers before 7.0 also read a Mongo-style ``query`` JSON
(``{"_id": "X"}`` or ``{"_id": {"$in": [...]}}``); both are understood here. Only the settings
the fake models are listed. The read-receipt ones are premium settings, forced off without the
licence module (reference page section 1.1).
"""

from __future__ import annotations

import json
from typing import Any

from .errors import meteor_error
from .routing import Call, Endpoint, page, pagination
from .state import RcSettings

__all__ = ["ENDPOINTS", "public_settings"]


def public_settings(settings: RcSettings) -> dict[str, Any]:
    """The public settings' values as Rocket.Chat would report them, by ``_id``."""
    return {
        "FileUpload_Enabled": settings.file_upload_enabled,
        "FileUpload_MaxFileSize": settings.max_file_size,
        "Message_MaxAllowedSize": settings.max_message_size,
        "Message_Read_Receipt_Enabled": settings.receipts_enabled,
        "Message_Read_Receipt_Store_Users": settings.licence and settings.store_users,
    }


def _wanted_ids(call: Call) -> set[str] | None:
    """The ids asked for, or None for all."""
    ids = call.query.get("_id")
    if ids:
        return {part.strip() for part in ids.split(",") if part.strip()}
    text = call.query.get("query")
    if not text:
        return None
    try:
        query = json.loads(text)
    except ValueError:
        query = None
    if not isinstance(query, dict):
        raise meteor_error("error-invalid-query", f'Invalid query parameter provided: "{text}"')
    selector = query.get("_id")
    if selector is None:
        return None
    if isinstance(selector, str):
        return {selector}
    if isinstance(selector, dict) and isinstance(selector.get("$in"), list):
        return {str(item) for item in selector["$in"]}
    raise meteor_error("error-invalid-query", f'Invalid query parameter provided: "{text}"')


def settings_public(call: Call) -> dict[str, Any]:
    offset, count = pagination(call.query)
    wanted = _wanted_ids(call)
    values = public_settings(call.state.settings)
    items = [
        {"_id": key, "value": value}
        for key, value in sorted(values.items())
        if wanted is None or key in wanted
    ]
    chosen = page(items, offset, count)
    return {"settings": chosen, "count": len(chosen), "offset": offset, "total": len(items)}


ENDPOINTS = [Endpoint("GET", "/api/v1/settings.public", settings_public, auth="optional")]
