"""The Rocket.Chat backend: REST polling through rocketchat-API, room-level read marks.

See ``backend.py`` for the overview and the README section "Rocket.Chat backend".
"""

from botkit.backends.rocketchat.backend import RocketChatBackend
from botkit.backends.rocketchat.client import ApiError, RetryPolicy
from botkit.backends.rocketchat.poller import MessageSource
from botkit.backends.rocketchat.readstatus import ReceiptsState

__all__ = ["ApiError", "MessageSource", "ReceiptsState", "RetryPolicy", "RocketChatBackend"]
