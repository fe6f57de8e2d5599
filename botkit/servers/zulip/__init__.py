"""A local Zulip 10.2 server (API feature level 372) for tests, demos and benchmarks.

Real HTTP on 127.0.0.1 that the official ``zulip`` client talks to unchanged: HTTP Basic auth,
POST /register and long-polled GET /events (heartbeats, ``last_event_id`` acknowledgement
semantics, queue expiry), messages with narrows and anchors, message flags with UserMessage rows,
read receipts with all the server's exclusion rules, settings, mutes, per-user rate limits, file
uploads (``/user_uploads``, with the size limit), and the real error envelope.
``/work/shared/reference/zulip-server.md`` describes the behaviour modelled; the README section
"Local Zulip server" lists what is simplified.

    from botkit.servers.zulip import LocalZulip

    with LocalZulip(longpoll_timeout=2, heartbeat_interval=(1, 1)) as server:
        bot = server.create_bot("Receipt Bot")
        alice = server.create_user("Alice Liddell")
        server.create_channel("general", [alice, bot])
        server.send_message(alice, "general", "hello", "Hi bot")
"""

from botkit.servers.zulip.demo import serve
from botkit.servers.zulip.model import ZUser
from botkit.servers.zulip.server import LocalZulip

__all__ = ["LocalZulip", "ZUser", "serve"]
