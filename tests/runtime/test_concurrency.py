"""Messages are handled side by side: a slow or failing handler delays nobody else."""

from __future__ import annotations

from pathlib import Path

from botkit.backends.memory import MemoryBackend
from botkit.delivery import Outcome
from botkit.runtime import Bot

from .conftest import ScriptedHost, make_settings, outcome, running


async def test_slow_and_failing_handlers_do_not_delay_others(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path), backend=memory, host=host)
    async with running(bot):
        slow = memory.inject("slow one", alice, general)
        failing = memory.inject("fail now", alice, general)
        quick = memory.inject("quick", alice, general)
        slow_outcome = bot.watch(slow.id)
        assert await outcome(bot.watch(failing.id)) is Outcome.FAILED
        assert await outcome(bot.watch(quick.id)) is Outcome.HANDLED
        assert not slow_outcome.done()  # still running, and nobody waited for it
        assert memory.marked_read == [[quick.id]]
        host.release("slow one")
        assert await outcome(slow_outcome) is Outcome.HANDLED
    assert memory.marked_read == [[quick.id], [slow.id]]


async def test_at_most_max_concurrency_handlers_run_at_once(
    tmp_path: Path, memory: MemoryBackend
) -> None:
    alice = memory.add_user("alice")
    general = memory.add_channel("general", [alice])
    host = ScriptedHost(memory)
    bot = Bot(make_settings(tmp_path, delivery={"max_concurrency": 2}), backend=memory, host=host)
    async with running(bot):
        messages = [memory.inject(f"slow {i}", alice, general) for i in range(3)]
        outcomes = [bot.watch(m.id) for m in messages]
        await host.wait_entered("slow 0")
        await host.wait_entered("slow 1")
        assert bot.delivery.running == 2
        assert host.handled == ["slow 0", "slow 1"]  # the third waits for a free slot
        host.release("slow 0")
        await host.wait_entered("slow 2")
        host.release("slow 1")
        host.release("slow 2")
        assert [await outcome(o) for o in outcomes] == [Outcome.HANDLED] * 3
