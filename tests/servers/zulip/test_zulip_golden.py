"""Replay the real Zulip 10.2 transcripts (``../shared/golden/zulip``) against the local server.

The cast is recreated with the Python API (same login emails, hidden emails as in the dev realm),
then every step is sent in order through the official client's ``call_endpoint`` (or plain
``requests`` for the hand-made auth cases). Each step is its own test and compares status,
``result``/``msg``/``code``, key sets and value types (recursively), the headers the README lists
(presence and format) and the id relations that matter (which messages an event lists, who is in
a read receipt). Ids are translated golden -> local as objects are created.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import zulip

from botkit.servers.zulip import LocalZulip

GOLDEN = Path(__file__).resolve().parents[3].parent / "shared" / "golden" / "zulip"
FILES = sorted(GOLDEN.glob("0*.json")) if GOLDEN.exists() else []
STEPS = [(f.name[:2], i, s) for f in FILES for i, s in enumerate(json.loads(f.read_text()))]
#: Steps that are not replayed, and why: what they do is set up through the Python API instead.
OUT_OF_SCOPE = {
    ("00", 1): "POST /bots is outside the fake's scope; the bot is made with create_bot()",
    ("00", 3): "channel creation through the API is outside the fake's scope; create_channel("
    "announce=True) makes the channel and its Notification Bot message",
    ("02", 33): "the real heartbeat came after 48 s; test_zulip_events covers heartbeats with a "
    "1 s interval",
    ("07", 23): "DELETE /bots is outside the fake's scope; the bot is deactivated with "
    "deactivate() so the next step can check its key",
}
#: Keys whose contents a transcript trimmed or the fake keeps shorter: compared by type only.
TYPE_ONLY = {
    "server_supported_permission_settings", "realm_authentication_methods", "profile_data",
    "giphy_rating_options", "realm_default_external_accounts", "server_thumbnail_formats",
    "emojiset_choices", "available_notification_sounds", "message_details",
    "authentication_methods", "external_authentication_methods", "can_administer_channel_group",
    "allowed_methods",
}  # fmt: skip
MEANINGFUL = (
    "flags", "op", "flag", "property", "value", "type", "found_anchor", "found_newest",
    "found_oldest", "history_limited", "updated_count", "all",
)  # fmt: skip
#: Values that are null or not depending on incidental history (who created a channel...).
NULLABLE_INCIDENTALS = {"avatar_url", "creator_id", "first_message_id", "delivery_email"}
CAST = [  # golden id, login email, full name, admin
    (8, "cordelia@zulip.com", "Cordelia, Lear's daughter", False),
    (10, "hamlet@zulip.com", "King Hamlet", False),
    (11, "iago@zulip.com", "Iago", True),
    (12, "othello@zulip.com", "Othello, the Moor of Venice", False),
    (14, "prospero@zulip.com", "Prospero from The Tempest", False),
]
BOT_EMAIL, BOT_NAME, CHANNEL = "golden-1795305888-bot@zulipdev.com", "Golden Bot 1795305888", 27


class Replay:
    def __init__(self, server: LocalZulip) -> None:
        self.server = server
        self.users: dict[int, int] = {}
        self.channels: dict[int, int] = {}
        self.messages: dict[int, int] = {}
        self.queues: dict[str, str] = {}
        self.results: dict[tuple[str, int], tuple[int, dict[str, str], Any]] = {}
        self.clients: dict[str, zulip.Client] = {}
        self.last: requests.Response | None = None
        self.pending_thread: threading.Thread | None = None
        self.retry_after = 0.0

    # -- cast ---------------------------------------------------------------------------------
    def setup(self) -> None:
        s = self.server
        for gid, email, name, admin in CAST:
            self.users[gid] = s.create_user(name, email, is_admin=admin).id
        bot = s.create_bot(BOT_NAME, BOT_EMAIL, owner=self.users[10])
        self.users[29] = bot.id
        self.users[4] = s.state.notification_bot.id
        verona = s.create_channel("Verona", [self.users[i] for i in (10, 11, 12, 8)])
        self.channels[3] = verona
        self.messages[103] = s.send_message(self.users[11], verona, "Verona", "a public message")
        s.mark_read(self.users[12], [self.messages[103]])
        s.mark_read(self.users[8], [self.messages[103]])
        members = [self.users[i] for i in (10, 12, 8, 14, 29)]
        channel = s.create_channel(
            "golden-1795305888", members, description="golden transcripts", announce=True
        )
        self.channels[CHANNEL] = channel
        self.messages[199] = s.state.channels[channel].message_ids[-1]

    def client(self, email: str) -> zulip.Client:
        if email not in self.clients:
            user = self.server.user(email)
            client = zulip.Client(email=user.email, api_key=user.api_key, site=self.server.url)
            client.ensure_session()
            client.session.hooks["response"].append(self._keep)
            self.clients[email] = client
        return self.clients[email]

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.last = response

    # -- translation ----------------------------------------------------------------------------
    def tr_params(self, params: dict[str, Any]) -> dict[str, Any]:
        out = dict(params)
        if isinstance(out.get("messages"), list):
            out["messages"] = [self.messages.get(m, m) for m in out["messages"]]
        if isinstance(out.get("anchor"), int):
            out["anchor"] = self.messages.get(out["anchor"], out["anchor"])
        to = out.get("to")
        if isinstance(to, list):
            out["to"] = [self.users.get(u, u) for u in to]
        elif isinstance(to, int):
            out["to"] = self.channels.get(to, to)
        if "queue_id" in out:
            out["queue_id"] = self.queues.get(out["queue_id"], out["queue_id"])
        for term in out.get("narrow") or []:
            if term["operator"] == "channel" and isinstance(term["operand"], int):
                term["operand"] = self.channels[term["operand"]]
            if term["operator"] == "dm":
                term["operand"] = [self.users[u] for u in term["operand"]]
        return out

    def tr_path(self, path: str) -> str:
        path = re.sub(r"/messages/(\d+)", lambda m: f"/messages/{self._mid(m)}", path)
        path = re.sub(r"/streams/(\d+)", lambda m: f"/streams/{self.channels[int(m[1])]}", path)
        return re.sub(
            r"(/users/|/muted_users/)(\d+)",
            lambda m: f"{m[1]}{self.users.get(int(m[2]), m[2])}",
            path,
        )

    def _mid(self, match: re.Match[str]) -> int:
        return self.messages.get(int(match[1]), int(match[1]))

    # -- running ------------------------------------------------------------------------------
    def run(self, key: tuple[str, int], step: dict[str, Any], steps: list[Any]) -> None:
        text, req = step["step"], step["request"]
        if key in OUT_OF_SCOPE:
            if key == ("07", 23):
                self.server.deactivate(BOT_EMAIL)
            return
        self.before(text, step, steps)
        if self.pending_thread is not None and "parked poll returns" in text:
            self.pending_thread.join(10)
            self.pending_thread = None
            return
        if text.startswith("rate limit:") and "#194" in text:
            response = self.call(step)
            while response.headers.get("X-RateLimit-Remaining") != "0":
                response = self.call(step)
        elif "after waiting retry-after" in text:
            time.sleep(self.retry_after + 0.1)
            response = self.call(step)
        elif req["method"] == "GET" and req["path"] == "/api/v1/events":
            response = self.call(step, last_event_id=self.ack_id(step))
        else:
            response = self.call(step)
        self.record(key, step, response)

    def before(self, text: str, step: dict[str, Any], steps: list[Any]) -> None:
        """Re-create what the capture script did off the record (visible in its event ids and
        rate-limit counters)."""
        s = self.server
        req = step["request"]
        flags_by_bot = step["as"] == BOT_EMAIL and req["path"].startswith("/api/v1/messages/flags")
        if flags_by_bot and "and the other one" not in text:  # the one step showing merging
            self.drain()
        if text.startswith("bot: anchor=first_unread, narrow is:unread - what is unread now"):
            s.mark_read(BOT_EMAIL, [self.messages[205]])
        if text.startswith("bot: flags/narrow add read, narrow channel + is:unread"):
            # The transcript's counts show 208-210 had been read again off the record.
            s.mark_read(BOT_EMAIL, [self.messages[m] for m in (208, 209, 210)])
            self.drain()
        if text.startswith("unmuting a user who is not muted"):
            s.unmute_user("hamlet@zulip.com", "cordelia@zulip.com")
        if text.startswith("rate limit: first"):
            s.set_rate_limit(5, 2.0)
        if text.startswith("hamlet deactivates the bot"):
            s.set_rate_limit(10_000, 60)
        if "othello (who registered a queue" in text:
            poll = next(x for x in steps if x["as"] == "othello@zulip.com" and "queue_id" in
                        x["request"]["params"])  # fmt: skip
            queue = self.client("othello@zulip.com").register(event_types=["user_settings"])
            self.queues[poll["request"]["params"]["queue_id"]] = queue["queue_id"]
        if text.startswith("bot polls the second queue"):
            self.inject(206, "first message for the error queue")
        if text.startswith("a pending event exists"):
            self.inject(207, "second message for the error queue")

    def drain(self) -> None:
        """Acknowledge everything pending on the bot's main queue."""
        queue_id = next(iter(self.queues.values()))
        with self.server.lock:
            queue = self.server.state.hub.queues[queue_id]
            pending = queue.contents()
            if pending:
                queue.prune(pending[-1]["id"])

    def inject(self, golden_id: int, content: str) -> None:
        """Messages the capture script sent without recording the request."""
        self.messages[golden_id] = self.server.send_message(
            self.users[10], self.channels[CHANNEL], "events-errors", content
        )

    def ack_id(self, step: dict[str, Any]) -> Any:
        """Acknowledge what the capture acknowledged off the record: everything but the events
        this step expects. Steps expecting an error keep their literal (deliberate) value."""
        golden_last = step["request"]["params"].get("last_event_id")
        queue_id = self.queues.get(step["request"]["params"].get("queue_id", ""))
        if step["status"] != 200 or golden_last is None or queue_id is None:
            return golden_last
        with self.server.lock:
            queue = self.server.state.hub.queues[queue_id]
            pending = queue.contents()
            keep = len(step["body"]["events"])
            if len(pending) > keep:
                return pending[len(pending) - keep - 1]["id"]
            return queue.newest_pruned_id

    def call(self, step: dict[str, Any], **override: Any) -> requests.Response:
        req = step["request"]
        params = self.tr_params(req["params"])
        params.update({k: v for k, v in override.items() if v is not None})
        path = self.tr_path(req["path"])
        if "auth" in req:
            return self.hand_made(req, path, params)
        if "while the bot has a poll parked" in step["step"]:
            self.park_next_poll()
        self.last = None
        client = self.client(step["as"])
        client.call_endpoint(
            path.removeprefix("/api/v1/"),
            method=req["method"],
            request=params,
        )
        assert self.last is not None
        return self.last

    def park_next_poll(self) -> None:
        """The golden poll was parked before this send: park ours first, then send."""
        bot = self.client(BOT_EMAIL)
        queue_id = next(iter(self.queues.values()))
        with self.server.lock:
            queue = self.server.state.hub.queues[queue_id]
            pending = queue.contents()
            last = pending[-1]["id"] if pending else queue.newest_pruned_id
        golden_key = self._parked_key

        def poll() -> None:
            bot.call_endpoint(
                "events", method="GET", request={"queue_id": queue_id, "last_event_id": last}
            )
            assert self.last is not None
            self.results[golden_key] = _summary(self.last)

        self.pending_thread = threading.Thread(target=poll)
        self.pending_thread.start()
        # a loaded machine may take a while to start the thread: bounded, and checked
        deadline = time.monotonic() + 30
        while queue.handler is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert queue.handler is not None, "the bot's poll did not park within 30 s"

    def hand_made(self, req: dict[str, Any], path: str, params: dict[str, Any]) -> Any:
        auth = req["auth"]
        headers: dict[str, str] = {}
        if auth.startswith("basic "):
            email, _, key = auth[6:].partition(":")
            if key == "<hamlet's api-key>":
                key = self.server.user("hamlet@zulip.com").api_key
            key = "" if key == "(empty)" else key
            token = base64.b64encode(f"{email}:{key}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif auth.startswith("header "):
            value = auth.split("Authorization: ", 1)[1].rsplit("'", 1)[0]
            if value.startswith('Basic base64("'):
                value = "Basic " + base64.b64encode(value[14:-2].encode()).decode()
            headers["Authorization"] = value
        encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        url = self.server.url + path
        if req["method"] == "GET":
            return requests.get(url, params=encoded, headers=headers, timeout=10)
        return requests.request(req["method"], url, data=encoded, headers=headers, timeout=10)

    def record(self, key: tuple[str, int], step: dict[str, Any], response: Any) -> None:
        summary = _summary(response)
        self.results[key] = summary
        body, golden = summary[2], step["body"]
        if isinstance(body, dict) and isinstance(golden, dict):
            if "queue_id" in golden and "queue_id" in body and body.get("result") == "success":
                self.queues.setdefault(golden["queue_id"], body["queue_id"])
            if step["request"]["path"] == "/api/v1/messages" and "id" in golden and "id" in body:
                self.messages[golden["id"]] = body["id"]
            if body.get("result") == "error" and "retry-after" in body:
                self.retry_after = body["retry-after"]

    _parked_key: tuple[str, int] = ("", 0)


def _summary(response: requests.Response) -> tuple[int, dict[str, str], Any]:
    try:
        body: Any = response.json()
    except ValueError:
        body = {"_non_json_body": response.text[:500]}
    return response.status_code, dict(response.headers), body


@pytest.fixture(scope="module")
def replay() -> Any:
    if not FILES:
        reason = f"golden transcripts not found at {GOLDEN}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = LocalZulip(rate_limit=(10_000, 60), hide_emails=True)
    server.start()
    try:
        play = Replay(server)
        play.setup()
        by_file: dict[str, list[Any]] = {}
        for fid, _, step in STEPS:
            by_file.setdefault(fid, []).append(step)
        for n, (fid, index, step) in enumerate(STEPS):
            if n + 1 < len(STEPS) and "parked poll returns" in STEPS[n + 1][2]["step"]:
                play._parked_key = (STEPS[n + 1][0], STEPS[n + 1][1])
            play.run((fid, index), step, by_file[fid])
        yield play
    finally:
        server.stop()


def _step_id(entry: tuple[str, int, dict[str, Any]]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", entry[2]["step"].lower())[:50].strip("-")
    return f"{entry[0]}-{entry[1]:02d}-{slug}"


REPLAYED = [e for e in STEPS if (e[0], e[1]) not in OUT_OF_SCOPE]


def test_only_the_known_steps_are_out_of_scope() -> None:
    """The out-of-scope list names real steps of the transcripts and cannot grow unnoticed."""
    if not FILES:
        return  # covered by the replay fixture's own missing-transcripts rule
    steps = {(fid, index): step["request"]["path"] for fid, index, step in STEPS}
    assert {key: steps.get(key) for key in OUT_OF_SCOPE} == {
        ("00", 1): "/api/v1/bots",
        ("00", 3): "/api/v1/users/me/subscriptions",
        ("02", 33): "/api/v1/events",
        ("07", 23): steps.get(("07", 23)),
    }
    assert steps[("07", 23)].startswith("/api/v1/bots/")
    assert len(REPLAYED) == len(STEPS) - 4


@pytest.mark.parametrize("entry", REPLAYED, ids=[_step_id(e) for e in REPLAYED])
def test_golden_step(replay: Replay, entry: tuple[str, int, dict[str, Any]]) -> None:
    fid, index, step = entry
    status, headers, body = replay.results[(fid, index)]
    assert status == step["status"], body
    _compare_headers(step["headers"], headers)
    golden = step["body"]
    if "_non_json_body" in golden:
        assert "Page not found" in body["_non_json_body"]
        return
    for field in ("result", "code"):
        assert body.get(field) == golden.get(field)
    assert body["msg"] == _tr_msg(replay, golden["msg"])
    if "response_keys" in step:
        assert set(body) == set(step["response_keys"])
    if "body cut to a few keys" in step["step"]:
        assert set(golden) <= set(body)
        golden = dict(golden.items())
        body = {k: body[k] for k in golden}
    _compare(golden, body, replay, "body")


def _tr_msg(replay: Replay, msg: str) -> str:
    for golden_q, local_q in replay.queues.items():
        msg = msg.replace(golden_q, local_q)
    return msg


def _compare_headers(golden: dict[str, str], local: dict[str, str]) -> None:
    formats = {
        "X-RateLimit-Limit": r"\d+",
        "X-RateLimit-Remaining": r"\d+",
        "X-RateLimit-Reset": r"\d+",
        "Retry-After": r"\d+\.\d+",
    }
    for name, value in golden.items():
        assert name in local, f"header {name} missing"
        if name in formats:
            assert re.fullmatch(formats[name], local[name]), (name, local[name])
        else:
            assert local[name] == value, name
    for name in formats:
        if name not in golden:
            assert name not in local, f"unexpected header {name}"


def _compare(golden: Any, local: Any, replay: Replay, where: str) -> None:
    if golden is None or local is None:
        incidental = where.rsplit(".", 1)[-1] in NULLABLE_INCIDENTALS
        assert (golden is None and local is None) or incidental, where
        return
    assert type(local) is type(golden) or {type(local), type(golden)} == {int, float}, where
    if isinstance(golden, dict):
        if where.rsplit(".", 1)[-1] in TYPE_ONLY:
            return
        assert set(local) == set(golden), f"{where}: {set(local) ^ set(golden)}"
        for key, value in golden.items():
            _compare(value, local[key], replay, f"{where}.{key}")
        _compare_values(golden, local, replay, where)
    elif isinstance(golden, list) and golden and local:
        if isinstance(golden[0], dict) and "user_id" in golden[0]:
            # Lists of users (trimmed in the transcripts): pair them by (translated) id.
            by_id = {u.get("user_id"): u for u in local}
            pairs = [(g, by_id.get(replay.users.get(g["user_id"]))) for g in golden]
            pairs = [(g, v) for g, v in pairs if v is not None]
            assert pairs, where
        else:
            pairs = list(zip(golden, local, strict=False))
        for i, (g, v) in enumerate(pairs):
            _compare(g, v, replay, f"{where}[{i}]")


def _compare_values(golden: dict[str, Any], local: dict[str, Any], replay: Replay, where: str):
    """The values that carry meaning (not incidental ids or times)."""
    for key in MEANINGFUL:
        scalar = key in golden and not isinstance(golden[key], dict | list)
        if key in golden and (scalar or key == "flags"):
            assert local[key] == golden[key], f"{where}.{key}"
    if golden.get("type") == "update_message_flags" or (where == "body" and "messages" in golden):
        msgs = golden.get("messages")
        if isinstance(msgs, list) and all(isinstance(m, int) for m in msgs):
            assert local["messages"] == [replay.messages.get(m, m) for m in msgs], where
    if where == "body" and isinstance(golden.get("user_ids"), list):
        assert set(local["user_ids"]) == {replay.users[u] for u in golden["user_ids"]}
    fetched = golden.get("messages") if where == "body" else None
    if isinstance(fetched, list) and fetched and isinstance(fetched[0], dict):
        expected = [replay.messages.get(m["id"], m["id"]) for m in fetched]
        assert [m["id"] for m in local["messages"]] == expected
