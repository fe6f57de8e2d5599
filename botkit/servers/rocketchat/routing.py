"""What an API handler receives (``Call``) and how endpoints are declared (``Endpoint``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs

from .._http import Request
from .errors import invalid_params, meteor_error, unauthorized
from .model import RcUser
from .schema import Schema, validate
from .state import RcState
from .util import parse_date

if TYPE_CHECKING:
    from .reading import Reader

__all__ = ["Auth", "Call", "Endpoint", "pagination"]

Auth = Literal["required", "optional", "none"]


@dataclass
class Call:
    request: Request
    state: RcState
    reader: Reader
    caller: RcUser | None
    query: dict[str, str]

    @property
    def user(self) -> RcUser:
        """The authenticated caller (routes with auth="required" always have one)."""
        if self.caller is None:
            raise unauthorized()
        return self.caller

    def body(self) -> Any:
        """The JSON body (a form-encoded body as a dict); ``{}`` when there is none."""
        request = self.request
        if not request.body:
            return {}
        parsed = request.json()
        if parsed is not None:
            return parsed
        if "application/x-www-form-urlencoded" in (request.header("content-type") or ""):
            form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            return {k: v[-1] for k, v in form.items()}
        return {}

    def checked_body(self, schema: Schema) -> dict[str, Any]:
        """The body validated the legacy ``validateParams`` way."""
        body = self.body()
        errors = validate(schema, body)
        if errors:
            raise invalid_params(errors)
        assert isinstance(body, dict)
        return body

    def date_param(self, name: str, code: str, reason: str) -> int | None:
        text = self.query.get(name)
        if text is None or text == "":
            return None
        stamp = parse_date(text)
        if stamp is None:
            raise meteor_error(code, reason)
        return stamp

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.query.get(name)
        return default if value is None else value.lower() == "true"


Handler = Callable[[Call], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # e.g. "/api/v1/me"
    handler: Handler
    auth: Auth = "required"
    #: ``path`` is a regex whose named groups become ``request.params`` (``rooms.media/:rid``).
    regex: bool = False


def pagination(query: dict[str, str], default: int = 50, upper: int = 100) -> tuple[int, int]:
    """Rocket.Chat's getPaginationItems: (offset, count); count 0 means no limit, counts above
    API_Upper_Count_Limit (100) are capped."""
    try:
        offset = max(0, int(query.get("offset") or 0))
        count = int(query["count"]) if query.get("count") not in (None, "") else default
    except ValueError as exc:
        raise meteor_error("error-invalid-params", "offset and count must be integers") from exc
    count = max(0, min(count, upper))
    return offset, count


def page(items: list[Any], offset: int, count: int) -> list[Any]:
    return items[offset:] if count == 0 else items[offset : offset + count]
