"""Scheduled read audits: ``[[plugins.audit.jobs]]`` each audit channels over a window and post
a report (least-read first, who has not read, totals), then the full table as a CSV file
(``audit-<channel>-<date>.csv``) where the server takes uploads; otherwise (uploads off, file
too large, a backend without uploads) as CSV in code blocks, in parts that fit a message.

A report about a private channel (or Rocket.Chat private group) goes only into that channel or
to its members by direct message: a job skips any other destination, with one log line each, and
``!audit`` asked elsewhere is refused. Requests to the bot are left out of every audit.

Each job is a persistent scheduler job, so a run missed while the bot was down runs once when it
is back, within ``[scheduler] misfire_grace_time``. Read-receipt calls are paced to stay under
the server's rate limit (``max_requests_per_minute``, default 190 on Zulip, whose limit is 200).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from botkit.config.schema import Duration, parse_duration
from botkit.errors import BackendError, NotSupported
from botkit.models import Conversation, Message, User
from botkit.plugin import Context, Plugin, command
from botkit.readstatus.audit import AuditFilter, AuditReport
from botkit.readstatus.format import Formatter, escape_text
from botkit.readstatus.history import HistorySource, history_source
from botkit.readstatus.privacy import Target, may_receive, sort_targets
from botkit.readstatus.report import ReportOptions, chat_report, csv_file, csv_parts
from botkit.readstatus.settings import AuditorSettings
from botkit.readstatus.uploads import attach
from botkit.scheduler import cron_trigger

#: Calls per minute when not configured: under Zulip's 200, leaving room for the bot's own.
AUDIT_HELP = (
    "Read audit of a channel now: least-read messages first, who has not read them, totals "
    "(SINCE like 24h or 7d)."
)
_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Destination(Strict):
    """Where a report goes: a channel (and Zulip topic), and/or direct messages to users."""

    channel: str | None = None
    topic: str = "read audit"
    #: Users (id, username or display name) who get the report as a direct message.
    users: list[str] = []

    @model_validator(mode="after")
    def _somewhere(self) -> Destination:
        if self.channel is None and not self.users:
            raise ValueError("post_to needs a channel or users")
        return self


class AuditJob(Strict):
    id: str
    #: Standard 5-field cron (0 and 7 are Sunday).
    cron: str
    #: Defaults to ``[scheduler] timezone``.
    timezone: str | None = None
    channels: list[str] = Field(min_length=1)
    since: Duration = timedelta(days=7)
    #: Only messages from these users (id, username or display name).
    senders: list[str] = []
    #: Only messages in this Zulip topic.
    topic: str | None = None
    #: Only messages that notify ``everyone`` or one of these groups.
    mentions: list[str] = []
    include_bot_messages: bool = False
    post_to: Destination
    order: Literal["least_read", "oldest", "newest"] = "least_read"
    max_messages: int = Field(20, ge=1)
    list_not_read: bool = True
    totals: bool = True
    max_names: int = Field(10, ge=1)
    full_table: bool = True

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _JOB_ID.match(value):
            raise ValueError("use letters, digits, '.', '-' and '_'")
        return value

    @model_validator(mode="after")
    def _valid_cron(self) -> AuditJob:
        cron_trigger(self.cron, self.timezone or "UTC")  # raises ValueError naming the problem
        return self


@dataclass(frozen=True, slots=True)
class ChannelReport:
    """One channel's report as chat messages, and the audit whose full table follows (if any)."""

    parts: list[str]
    table: AuditReport | None = None


class Audit(Plugin):
    name = "audit"

    class Config(AuditorSettings):
        jobs: list[AuditJob] = Field(default_factory=list)

        @model_validator(mode="after")
        def _unique_ids(self) -> Audit.Config:
            ids = [job.id for job in self.jobs]
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                raise ValueError(f"job ids must be unique: {', '.join(duplicates)}")
            return self

    async def setup(self) -> None:
        #: Why full tables went out as text instead of files, each logged once.
        self._fallbacks_told: set[str] = set()
        config: Audit.Config = self.config
        for job in config.jobs:
            self.schedule(
                "run_job",
                job.cron,
                job_id=job.id,
                timezone=job.timezone,
                kwargs={"job_id": job.id},
            )

    @command("audit", help=AUDIT_HELP, admin_only=True)
    async def audit_now(self, ctx: Context, channel: str, since: str = "7d") -> str | None:
        """An audit on demand, answered where it was asked (admins only: it shows everyone's
        read status of a whole channel)."""
        config: Audit.Config = ctx.config
        request = ctx.message
        if request is None:
            return None
        try:
            window = parse_duration(since)
        except (ValueError, OverflowError) as problem:
            return f"{problem}. Usage: {ctx.settings.bot.command_prefix}audit CHANNEL [SINCE]"
        name = channel.removeprefix("#")
        try:
            audited = await history_source(ctx.backend, ctx.settings).channel(name)
            allowed = await may_receive(ctx.backend, audited, request.conversation, ctx.bot.id)
        except BackendError as failure:
            return _could_not_run(name, failure)
        if not allowed:
            return _private_refusal(request)
        job = AuditJob(
            id="now",
            cron="* * * * *",
            channels=[name],
            since=window,
            post_to=Destination(channel=name),
            full_table=False,
        )
        for text in (await self._channel_report(ctx, config, job, name)).parts:
            await ctx.reply(text)
        return None

    async def run_job(self, ctx: Context, job_id: str) -> None:
        """One scheduled run: audit every channel of the job and post the reports."""
        config: Audit.Config = ctx.config
        job = next((j for j in config.jobs if j.id == job_id), None)
        if job is None:
            ctx.log.warning("audit job %r is no longer configured; skipped", job_id)
            return
        try:
            destinations = await self._destinations(ctx, job)
        except BackendError as failure:
            ctx.log.error("audit job %r cannot post its report: %s", job.id, failure)
            return
        for channel in job.channels:
            allowed = await self._allowed(ctx, job, channel, destinations)
            if not allowed:
                continue
            made = await self._channel_report(ctx, config, job, channel)
            for destination in allowed:
                for text in made.parts:
                    await ctx.send(destination, text)
            if made.table is not None:
                await self._post_table(ctx, job, made.table, allowed)

    async def _allowed(
        self, ctx: Context, job: AuditJob, channel: str, targets: list[Target]
    ) -> list[Conversation]:
        """The destinations that may read a report about ``channel`` (all of them for a public
        one); each one left out is logged once per run."""
        try:
            audited = await history_source(ctx.backend, ctx.settings).channel(channel)
        except BackendError:
            # the audit will fail the same way and post why; that says nothing private
            return [target.conversation for target in targets]
        allowed, reasons = await sort_targets(ctx.backend, audited, targets, ctx.bot.id)
        for reason in reasons:
            ctx.log.warning(
                "audit job %r: the report of private #%s is %s",
                job.id,
                audited.name or channel,
                reason,
            )
        return allowed

    async def _post_table(
        self, ctx: Context, job: AuditJob, report: AuditReport, destinations: list[Conversation]
    ) -> None:
        """The full table as a CSV file; once the server refused it, as text in parts."""
        file = csv_file(report, job.order)
        refused = False
        for destination in destinations:
            if not refused:
                try:
                    await attach(ctx.backend, destination, file)
                    continue
                except NotSupported as problem:
                    refused = True
                    self._tell_fallback(ctx, str(problem))
            for text in csv_parts(report, job.order, ctx.backend.max_message_length):
                await ctx.send(destination, text)

    def _tell_fallback(self, ctx: Context, reason: str) -> None:
        if reason not in self._fallbacks_told:
            self._fallbacks_told.add(reason)
            ctx.log.info("audit: full tables are posted as text in parts: %s", reason)

    async def _channel_report(
        self, ctx: Context, config: Audit.Config, job: AuditJob, channel: str
    ) -> ChannelReport:
        backend = ctx.backend
        try:
            auditor = config.auditor(
                backend,
                history_source(backend, ctx.settings),
                ctx.bot,
                command_prefix=ctx.settings.bot.command_prefix,
            )
            filters = AuditFilter(
                senders=tuple(job.senders),
                topic=job.topic,
                mentions=tuple(job.mentions),
                include_bot_messages=job.include_bot_messages,
            )
            report = await auditor.run(channel, job.since, filters)
        except BackendError as failure:
            ctx.log.warning("audit job %r of #%s failed: %s", job.id, channel, failure)
            return ChannelReport([_could_not_run(channel, failure)])
        limit = backend.max_message_length
        options = ReportOptions(
            order=job.order,
            max_messages=job.max_messages,
            list_not_read=job.list_not_read,
            totals=job.totals,
            max_names=job.max_names,
            full_table=job.full_table,
        )
        parts = chat_report(report, Formatter(backend.name), options, limit)
        return ChannelReport(parts, report if job.full_table and report.rows else None)

    async def _destinations(self, ctx: Context, job: AuditJob) -> list[Target]:
        found: list[Target] = []
        target = job.post_to
        if target.channel is not None:
            source: HistorySource = history_source(ctx.backend, ctx.settings)
            channel = await source.channel(target.channel)
            place = Conversation.channel(
                channel.id, channel.name, topic=target.topic, private=channel.private
            )
            found.append(Target(place, f"#{channel.name or target.channel}"))
        if target.users:
            people = await ctx.backend.users()
            for wanted in target.users:
                user = _find_user(people, wanted)
                if user is None:
                    ctx.log.warning("audit job %r: no user %r to report to", job.id, wanted)
                    continue
                participants = tuple(sorted({ctx.bot.id, user.id}))
                place = Conversation.direct(",".join(participants), participants)
                found.append(Target(place, user.name or wanted))
        return found


def _could_not_run(channel: str, failure: BackendError) -> str:
    return f"Read audit of #{escape_text(channel)} could not run: {escape_text(str(failure))}"


def _private_refusal(request: Message) -> str:
    if request.conversation.is_direct:
        return "That channel is private: only its members can get its audit."
    return (
        "That channel is private: ask me in it or in a direct message, so nobody else sees "
        "the report."
    )


def _find_user(people: list[User], wanted: str) -> User | None:
    key = wanted.casefold().removeprefix("@")
    for user in people:
        if key in (user.id.casefold(), user.username.casefold(), user.name.casefold()):
            return user
    return None
