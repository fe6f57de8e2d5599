"""Plugin lifecycle: setup and teardown, config and storage, failures at setup, and jobs
added at setup."""

from __future__ import annotations

import logging

import pytest

from .conftest import FIXTURES, ChatFactory


async def test_class_and_module_plugins_get_config_and_private_storage(
    chat_factory: ChatFactory,
) -> None:
    chat = await chat_factory(
        FIXTURES, plugins={"greeter": {"greeting": "Moin"}, "counter": {"step": 5}}
    )
    assert await chat.send("!hi bob 2") == ["Moin, bob Moin, bob"]
    assert await chat.send("Thanks!") == ["You're welcome!"]
    assert await chat.send("!count") == ["5"]
    assert await chat.send("!count") == ["10"]
    assert chat.store.kv("plugin:counter").get("value") == 10
    assert chat.store.kv("plugin:greeter").get("value") is None
    assert chat.store.kv("plugin:greeter").get("setup") == ["botkit.plugins.greeter", "botkit", "!"]
    await chat.host.stop()
    assert chat.store.kv("plugin:greeter").get("teardown") is True


async def test_a_plugin_whose_setup_fails_is_skipped(
    chat_factory: ChatFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    chat = await chat_factory(
        {
            "fragile.py": """
                from botkit.plugin import Plugin, command

                class Fragile(Plugin):
                    async def setup(self):
                        raise ConnectionError("database unreachable")

                    @command
                    async def fragile(self, ctx):
                        return "never"
            """,
            "sturdy.py": """
                from botkit.plugin import command

                @command
                async def sturdy(ctx):
                    return "here"
            """,
        }
    )
    assert "plugin 'fragile' failed to set up and is skipped" in caplog.text
    assert "database unreachable" in caplog.text
    assert await chat.send("!fragile") == ["Unknown command !fragile. Try !help."]
    assert await chat.send("!sturdy") == ["here"]
    assert [info.name for info in chat.host.commands] == ["help", "sturdy"]


REPORTS = """
    from pydantic import BaseModel
    from botkit.models import Conversation
    from botkit.plugin import Plugin

    class Report(BaseModel):
        name: str
        cron: str
        channel: str

    class Audit(Plugin):
        class Config(BaseModel):
            reports: list[Report] = []

        async def setup(self):
            self.schedule("post", "@yearly", job_id="daily", kwargs={"channel": "x"})  # replaced
            for report in self.config.reports:
                self.schedule("post", report.cron, job_id=report.name,
                              timezone="Europe/Berlin", kwargs={"channel": report.channel})

        async def post(self, ctx, channel):
            await ctx.send(Conversation.channel(channel, channel), f"report for {channel}")
"""


async def test_jobs_scheduled_at_setup_run_with_their_arguments(
    chat_factory: ChatFactory,
) -> None:
    reports = [
        {"name": "daily", "cron": "0 9 * * 1-5", "channel": "ops"},
        {"name": "weekly", "cron": "0 9 * * 1", "channel": "leads"},
    ]
    chat = await chat_factory(
        {"audit.py": REPORTS}, plugins={"audit": {"reports": reports}}, with_scheduler=True
    )
    assert [(job.job_id, job.cron, job.timezone, job.kwargs) for job in chat.host.jobs] == [
        ("audit:daily", "0 9 * * 1-5", "Europe/Berlin", {"channel": "ops"}),
        ("audit:weekly", "0 9 * * 1", "Europe/Berlin", {"channel": "leads"}),
    ]
    assert chat.host.scheduler is not None
    assert [job.job_id for job in chat.host.scheduler.jobs()] == ["audit:daily", "audit:weekly"]
    await chat.host.run_job("audit:weekly")
    assert chat.backend.sent[-1][1] == "report for leads"


async def test_a_bad_dynamic_schedule_fails_the_setup(
    chat_factory: ChatFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await chat_factory(
        {"audit.py": REPORTS},
        plugins={"audit": {"reports": [{"name": "x", "cron": "every day", "channel": "c"}]}},
    )
    assert "plugin 'audit' failed to set up" in caplog.text
    assert "cron expression 'every day' needs 5 fields" in caplog.text


async def test_scheduled_handlers_cannot_reply(
    chat_factory: ChatFactory, caplog: pytest.LogCaptureFixture
) -> None:
    chat = await chat_factory(
        {
            "lonely.py": """
                from botkit.plugin import scheduled

                @scheduled("@daily")
                async def lonely(ctx):
                    await ctx.reply("to whom?")
            """
        }
    )
    await chat.host.run_job("lonely:lonely")
    assert "nothing to reply to here: use ctx.send(conversation, text)" in caplog.text
    assert chat.backend.sent == []
