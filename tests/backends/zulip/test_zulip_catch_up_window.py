"""The catch-up window: newest first paging, limits, cursor, own messages, bounded counting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botkit.backends.base import CatchUpLimits
from botkit.backends.zulip.catchup import collect

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ME = 99


class FakeMessagesApi:
    """GET /messages over ``count`` messages (ids 1..count, one minute apart, oldest first)."""

    def __init__(self, count: int, own: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        start = NOW - timedelta(minutes=count)
        self.messages = [
            {
                "id": i,
                "sender_id": ME if i in own else 1,
                "timestamp": (start + timedelta(minutes=i)).timestamp(),
            }
            for i in range(1, count + 1)
        ]
        self.calls: list[dict[str, Any]] = []

    async def call(self, path: str, method: str, request: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(request)
        anchor = request["anchor"]
        top = len(self.messages) if anchor == "newest" else int(anchor)
        eligible = [m for m in self.messages if m["id"] <= top]
        page = eligible[-request["num_before"] :]
        return {"messages": page, "found_oldest": len(page) == len(eligible)}


async def run(api: FakeMessagesApi, limits: CatchUpLimits, after_id: int | None = None) -> Any:
    return await collect(api, me_id=ME, limits=limits, now=NOW, narrow=[], after_id=after_id)  # type: ignore[arg-type]


async def test_everything_within_limits_oldest_first() -> None:
    window = await run(FakeMessagesApi(30), CatchUpLimits(max_messages=100, max_age=None))
    assert [m["id"] for m in window.messages] == list(range(1, 31))
    assert window.skipped == 0


async def test_max_messages_keeps_the_newest_across_pages() -> None:
    api = FakeMessagesApi(2500)
    window = await run(api, CatchUpLimits(max_messages=1200, max_age=None))
    assert [m["id"] for m in window.messages] == list(range(1301, 2501))
    assert window.skipped == 1300
    assert window.skipped_ids == (1, 1300)
    assert [c["anchor"] for c in api.calls] == ["newest", 1500, 500]


async def test_max_age_leaves_out_older_messages() -> None:
    window = await run(
        FakeMessagesApi(60), CatchUpLimits(max_messages=1000, max_age=timedelta(minutes=10))
    )
    assert [m["id"] for m in window.messages] == list(range(50, 61))
    assert window.skipped == 49
    assert "left out 49 older message(s), ids 1 to 49" in window.describe_skipped(
        CatchUpLimits(max_messages=1000, max_age=timedelta(minutes=10))
    )


async def test_the_cursor_bounds_the_window_and_own_messages_are_set_aside() -> None:
    window = await run(FakeMessagesApi(40, own={35}), CatchUpLimits(max_age=None), after_id=30)
    assert [m["id"] for m in window.messages] == [31, 32, 33, 34, 36, 37, 38, 39, 40]
    assert window.own_ids == [35]


async def test_counting_what_is_left_out_is_bounded() -> None:
    api = FakeMessagesApi(20_000)
    window = await run(api, CatchUpLimits(max_messages=5, max_age=None))
    assert len(api.calls) == 6  # 1 page for the window + 5 to count
    assert window.skipped_more
    assert "at least" in window.describe_skipped(CatchUpLimits(max_messages=5, max_age=None))
