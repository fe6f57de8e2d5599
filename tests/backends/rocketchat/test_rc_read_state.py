"""What send_read_receipts means on Rocket.Chat, as the runtime logs it."""

from __future__ import annotations

from botkit.backends.rocketchat.acks import describe_read_state
from botkit.backends.rocketchat.readstatus import ReceiptsState, TtlCache


def test_off_explains_that_messages_stay_unread_for_everyone() -> None:
    text = describe_read_state(False)
    assert "never marks rooms read" in text
    assert "unread for everyone" in text
    assert "marks each room read" in describe_read_state(True)


def test_on_says_what_a_receipt_of_the_bot_does_not_cover() -> None:
    text = describe_read_state(True)
    assert "'processed'" in text
    assert "[catch_up] limits leave out" in text


def test_receipt_settings_off_names_the_problem() -> None:
    assert ReceiptsState(enabled=False).problem is not None
    assert ReceiptsState(enabled=True, store_users=False).problem is not None
    assert ReceiptsState(enabled=True, store_users=True).problem is None
    assert ReceiptsState().problem is None  # unknown: no claim


def test_ttl_cache_expires() -> None:
    now = [0.0]
    cache: TtlCache[str, int] = TtlCache(10, clock=lambda: now[0])
    cache.put("k", 1)
    assert cache.get("k") == 1
    now[0] = 11.0
    assert cache.get("k") is None
