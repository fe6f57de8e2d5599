"""POST /register, GET /events (long-poll) and DELETE /events."""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from botkit.servers._http import Request, Response
from botkit.servers.zulip.errors import ZulipError, success
from botkit.servers.zulip.events import ClientQueue, encode_events
from botkit.servers.zulip.model import ZUser
from botkit.servers.zulip.narrow import Narrow, parse_terms
from botkit.servers.zulip.params import Params
from botkit.servers.zulip.register import RegisterOptions, initial_state

if TYPE_CHECKING:
    from botkit.servers.zulip.server import LocalZulip

__all__ = ["delete_events", "get_events", "register"]

_MAX_LIFESPAN = 7 * 24 * 3600
_DEFAULT_LIFESPAN = 600


def _new_queue(srv: LocalZulip, user: ZUser, p: Params) -> ClientQueue:
    event_types = p.str_list("event_types", None)
    all_public = p.bool("all_public_streams", False)
    if all_public and user.is_guest:
        raise ZulipError("User not authorized for this query")
    lifespan = p.int("queue_lifespan_secs", 0, minimum=0) or _DEFAULT_LIFESPAN
    terms = parse_terms(p.json("narrow", []))
    narrow = Narrow(srv.state, user, terms) if terms else None
    return srv.state.hub.create(
        user.id,
        event_types=event_types,
        message_filter=narrow.matches if narrow is not None else None,
        narrowed=narrow is not None,
        apply_markdown=p.bool("apply_markdown", False),
        all_public_streams=all_public,
        lifespan=min(lifespan, _MAX_LIFESPAN),
    )


def register(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    p = Params(request)
    capabilities = p.json("client_capabilities", {})
    if not isinstance(capabilities, dict):
        raise ZulipError("client_capabilities is not a dict")
    if p.has("client_capabilities") and "notification_settings_null" not in capabilities:
        raise ZulipError("client_capabilities is missing notification_settings_null")
    fetch_types = p.str_list("fetch_event_types", None)
    event_types = p.str_list("event_types", None)
    decider = fetch_types if fetch_types is not None else event_types

    def wanted(kind: str) -> bool:
        return decider is None or kind in decider

    include_subscribers = p.json("include_subscribers", False)
    queue = _new_queue(srv, user, p)
    opts = RegisterOptions(
        wanted,
        url=srv.url,
        longpoll_timeout=srv.longpoll_timeout,
        include_subscribers=include_subscribers in (True, "partial"),
        notification_settings_null=bool(capabilities.get("notification_settings_null")),
    )
    body: dict[str, Any] = {
        "queue_id": queue.id,
        "zulip_version": srv.zulip_version,
        "zulip_feature_level": srv.feature_level,
        "zulip_merge_base": "",
        **initial_state(srv.state, user, opts),
        "last_event_id": -1,
    }
    return success(**body)


def get_events(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    p = Params(request)
    queue_id = p.raw("queue_id")
    dont_block = p.bool("dont_block", False)
    raw_last = p.raw("last_event_id")
    hub = srv.state.hub
    if queue_id is None:
        if not dont_block:
            raise ZulipError("Missing 'queue_id' argument")
        queue = _new_queue(srv, user, p)
    else:
        if raw_last is None:
            raise ZulipError("Missing 'last_event_id' argument")
        last = p.int("last_event_id")
        queue = hub.access(user.id, queue_id)
        if last < queue.newest_pruned_id:
            raise ZulipError(f"An event newer than {last} has already been pruned!")
        queue.prune(last)
        if last != queue.newest_pruned_id:
            raise ZulipError(f"Event {last} was not in this queue")
        queue.finish_current_handler()
    if not queue.empty() or dont_block:
        events = queue.contents()
        body = encode_events(events, queue.id if queue_id is None else None)
        return Response(200, body, "application/json")
    return _park(srv, queue)


def _park(srv: LocalZulip, queue: ClientQueue) -> Response:
    """Wait (the lock released) until the queue answers this request. A heartbeat is pushed when
    the randomised interval passes, exactly as Tornado's timeout callback does."""
    token = srv.state.hub.next_token()
    queue.handler = token
    queue.last_connection_time = time.monotonic()
    low, high = srv.heartbeat_interval
    deadline = time.monotonic() + random.uniform(low, high)
    while token not in queue.answers:
        if srv.stopping or queue.deleted:
            if queue.handler == token:
                queue.finish_current_handler()
            break
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if queue.handler == token:
                queue.add_event({"type": "heartbeat"})
            continue
        queue.cond.wait(remaining)
    events = queue.answers.pop(token, [])
    return Response(200, encode_events(events, queue.id), "application/json")


def delete_events(srv: LocalZulip, request: Request, user: ZUser) -> Response:
    queue_id = Params(request).text("queue_id")
    srv.state.hub.access(user.id, queue_id)
    srv.state.hub.delete(queue_id)
    return success()
