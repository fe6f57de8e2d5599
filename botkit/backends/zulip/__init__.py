"""The Zulip backend: the official ``zulip`` client driven by botkit's own event loop.

Modules: ``client`` (calls off the event loop, 429 / 5xx / connection handling), ``events``
(register / get_events, lost queues and back-fill), ``catchup``, ``cursor``, ``readstate``
(what ``send_read_receipts`` means here), ``directory`` (users, channel members), ``convert``
(payload -> ``Message``), ``backend`` (``ZulipBackend``).
"""

from botkit.backends.zulip.backend import ZulipBackend

__all__ = ["ZulipBackend"]
