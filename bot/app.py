"""The one place that wires things together: settings → database → engine → channels → scheduler → HTTP."""
from __future__ import annotations

import asyncio
import logging
import signal
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import metrics
from bot.channels.intake import POLLING, Intake
from bot.logs import redact
from bot.runtime import leadership_for, settle, waker, webhook_secret
from bot.settings import Settings, host_port
from bot.web import HttpEndpoint
from handlers.engine import Engine
from handlers.kit import Services
from handlers.registry import build_engine
from program.calendar import load_calendar
from program.clock import Clock
from scheduler.leader import Leadership
from storage.db import create_engine, migrate, session_factory

if TYPE_CHECKING:  # imported where a process runs the scheduler: a worker without it never loads APScheduler
    from scheduler.delivery import DeliveryWorker
    from scheduler.jobs import Jobs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Roles:
    """What this process does: take updates (polling, webhook, stream), and/or run the scheduler when it leads."""

    updates: bool = True
    scheduler: bool = True


@dataclass
class App:
    settings: Settings
    database: AsyncEngine
    services: Services
    engine: Engine
    channels: list[Any]
    jobs: Jobs | None
    leadership: Leadership | None = None
    http: HttpEndpoint | None = None
    roles: Roles = Roles()
    listen: socket.socket | None = None  # a listening socket handed over by `yingcai run --workers N`

    @property
    def channel(self) -> Any:
        """The first channel (the only one, in most deployments)."""
        return self.channels[0]

    async def start(self) -> None:
        # A socket handed over (`--workers N`) is already listening and shared: the kernel gives each connection
        # to whichever worker accepts first, so a worker accepts only once its channels run, never to answer
        # 503 "starting" while a ready sibling could have taken the update; meanwhile connections wait queued.
        shared = self.listen is not None
        if self.http is not None and not shared:  # first, so Telegram finds us listening as soon as setWebhook returns
            await self._serve()
        for channel in self.channels:
            await channel.start()
            if self.services.bot_username is None:  # asked from getMe at start: the office's invite links
                self.services.bot_username = getattr(channel, "username", None)
        if self.http is not None:
            self.http.started = True
            if shared:
                await self._serve()
        if self.jobs is not None and self.leadership is not None:
            self.jobs.start(sweep_now=False)
            self.jobs.scheduler.pause()  # until this process leads (the leader sweeps what fell due first)
            await self.leadership.try_once()

    async def _serve(self) -> None:
        assert self.http is not None
        host, port = host_port(self.settings.webhook_listen if self.settings.webhook_url
                               else self.settings.http_listen or "127.0.0.1:0")
        await self.http.start(host, port, self.listen)

    async def run(self, stop: asyncio.Event) -> None:
        tasks = [channel.run(stop) for channel in self.channels] if self.roles.updates else [stop.wait()]
        if self.leadership is not None:
            tasks.append(self.leadership.run(stop))
        await asyncio.gather(*tasks)

    async def stop_taking(self) -> None:
        """SIGTERM: stop taking updates and let those in flight finish, within the grace period."""
        grace = self.settings.shutdown_grace
        if self.http is not None:
            await self.http.drain(grace)
        if self.jobs is not None:
            self.jobs.worker.stopping = True  # a delivery run gives back what it claimed and ends
            await self.jobs.finish(grace)

    async def close(self) -> None:
        if self.jobs is not None:  # the delivery run gives back what it claimed; no job outlives the database
            await self.jobs.stop(self.settings.shutdown_grace)
        await settle(self.services)
        if self.leadership is not None:
            await self.leadership.resign()
        if self.http is not None:
            await self.http.close()
        for channel in self.channels:
            await channel.close()
        await self.database.dispose()


def make_channels(settings: Settings, engine: Engine, intake: Intake = POLLING) -> list[Any]:
    """One adapter per configured channel, all on the same engine and database."""
    made: list[Any] = []
    for name in settings.channels:
        if name == "telegram":
            made.append(make_channel(settings, engine, intake))
        elif name == "dingtalk":
            if not (settings.dingtalk_client_id and settings.dingtalk_client_secret):
                raise ValueError("DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET are not set")
            from bot.channels.dingtalk import DingTalkChannel

            made.append(DingTalkChannel(client_id=settings.dingtalk_client_id,
                                        client_secret=settings.dingtalk_client_secret,
                                        robot_code=settings.dingtalk_robot_code,
                                        endpoint=settings.dingtalk_openapi_endpoint, engine=engine))
    if not made:
        raise ValueError("no channel is configured: set BOT_TOKEN or DINGTALK_CLIENT_ID/DINGTALK_CLIENT_SECRET")
    return made


def make_channel(settings: Settings, engine: Engine, intake: Intake = POLLING) -> object:
    if not settings.bot_token:
        raise ValueError("BOT_TOKEN is not set")
    options = dict(token=settings.bot_token, api_url=settings.telegram_api_url, engine=engine,
                   poll_timeout=settings.poll_timeout, intake=intake)
    if settings.bot_engine == "ptb":
        from bot.channels.ptb import PtbChannel

        return PtbChannel(**options)
    from bot.channels.aiogram import AiogramChannel

    return AiogramChannel(**options)


async def build_app(settings: Settings, *, clock: Clock | None = None, roles: Roles = Roles(),
                    listen: socket.socket | None = None) -> App:
    from bot.rehearsal import program_clock_for

    redact.add(settings.bot_token, settings.webhook_secret, settings.dingtalk_client_secret)
    database = create_engine(settings.database_url)
    await migrate(database)
    metrics.count_statements(database)
    sessions = session_factory(database)
    clock = clock or await program_clock_for(settings, sessions)
    calendar = load_calendar(settings.calendar_file)
    services = Services(sessions=sessions, clock=clock, calendar=calendar, zone=settings.zone,
                        bot_username=settings.bot_username, invite_days=settings.invite_days)
    engine = build_engine(services)
    intake, http = Intake("none"), None
    if roles.updates and settings.webhook_url and "telegram" in settings.channels:
        secret = await webhook_secret(settings, services)
        redact.add(secret)
        intake = Intake("webhook", settings.webhook_url, secret)
        http = HttpEndpoint(sessions=sessions, webhook_path=urlparse(settings.webhook_url).path or "/", secret=secret)
    elif roles.updates:
        intake = Intake("polling")
    if http is None and settings.http_listen:
        http = HttpEndpoint(sessions=sessions)
    channels = make_channels(settings, engine, intake)
    if http is not None and intake.mode == "webhook":
        http.channel = next(c for c in channels if getattr(c, "intake", None) is intake)
    jobs = leadership = None
    if roles.scheduler:
        from scheduler.jobs import Jobs
        from scheduler.sweeper import Sweeper

        senders = {("telegram" if c.name in ("aiogram", "ptb") else c.name): c for c in channels}
        jobs = Jobs(sessions, delivery_worker(settings, sessions, channels[0], senders, services), services.clock,
                    interval=settings.outbox_interval,
                    sweeper=Sweeper(sessions, services.clock, calendar, settings.zone),
                    sweep_interval=settings.sweep_interval)
        metrics.watch_jobs(jobs.scheduler)
        leadership = leadership_for(jobs, database, settings)
        assert jobs.sweeper is not None
        jobs.sweeper.on_enqueued = jobs.poke
    services.on_outbox = waker(leadership, database)
    return App(settings, database, services, engine, channels, jobs, leadership, http, roles, listen)


def delivery_worker(settings: Settings, sessions, channel: Any, senders: dict[str, Any],  # noqa: ANN001
                    services: Services) -> DeliveryWorker:
    """The outbox's senders under the configured limits, writing reminders in each recipient's language."""
    from datetime import timedelta

    from scheduler.delivery import DeliveryWorker, RateLimiter
    from scheduler.reminder_texts import ReminderTexts

    lease = timedelta(seconds=settings.outbox_lease)
    return DeliveryWorker(sessions, channel, services.clock, RateLimiter(per_second=settings.send_rate),
                          zone=settings.zone, lease=lease, margin=min(15.0, settings.outbox_lease / 4),
                          senders=senders, texts=ReminderTexts(services.calendar, settings.zone),
                          quiet=services.calendar.reminders.quiet_hours)


async def run_until_stopped(app: App) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await app.start()
        log.info("bot is running (%s); press Ctrl+C to stop",
                 ", ".join(f"{c.name} {getattr(c, 'intake', POLLING).mode}" for c in app.channels))
        running = asyncio.create_task(app.run(stop))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if running.done():
            running.result()  # the channels ended by themselves: their error, if any, is the process's
            return
        log.info("stopping: finishing the updates in flight (at most %.0fs)", app.settings.shutdown_grace)
        await app.stop_taking()
        try:
            await asyncio.wait_for(running, app.settings.shutdown_grace)
        except asyncio.TimeoutError:
            log.warning("the channels did not stop in time")
    finally:
        await app.close()
