"""A local Rocket.Chat server for tests, demos and benchmarks.

It speaks the REST API botkit and rocketchat-API use over real HTTP on 127.0.0.1, with Rocket.Chat
8.x behaviour for authentication, subscriptions, history, sending, file uploads (``rooms.media``
+ ``rooms.mediaConfirm``), read receipts and the rate limiter (see
``/work/shared/reference/rocketchat-server.md``)::

    from botkit.servers.rocketchat import LocalRocketChat

    with LocalRocketChat(rate_limit=None) as server:
        alice = server.create_user("alice", password="pw")
        rid = server.create_room("general", members=[alice])
"""

from .demo import serve
from .model import RcUser
from .server import LocalRocketChat
from .state import RcSettings

__all__ = ["LocalRocketChat", "RcSettings", "RcUser", "serve"]
