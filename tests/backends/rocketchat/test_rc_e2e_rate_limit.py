"""A 429 is waited out: after one, the bot sends nothing to that route before the limiter's window
resets (X-RateLimit-Reset), and keeps working afterwards."""

from __future__ import annotations

from .conftest import World, listening, wait_until

LIMIT = 5
WINDOW = 1.0
PATH = "/api/v1/rooms.get"


async def test_polling_waits_out_the_rate_limit(world: World) -> None:
    server = world.server
    # a plain user account: the bot role would bypass the limiter, as on a real server
    human = server.create_user("poller", name="Poller")
    server.add_member(world.general, human)
    server.set_rate_limit(LIMIT, WINDOW)
    backend = world.backend(user=human)
    async with listening(backend, world.state) as listener:
        await wait_until(lambda: server.count_429() >= 2, "the limiter answered 429 twice")
        server.send_message(world.alice, world.general, "still listening?")
        await listener.next_text("still listening?")
    polls = server.requests(path=PATH, user=human.id)
    assert any(r.status == 429 for r in polls)
    for i, request in enumerate(polls):
        if request.status != 429:
            continue
        window_start = polls[i - LIMIT].at  # the LIMIT allowed calls of this window came first
        later = polls[i + 1 :]
        if later:
            assert later[0].at >= window_start + WINDOW - 0.05, "called again before the reset"
            assert later[0].status == 200
