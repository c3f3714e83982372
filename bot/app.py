"""The one place that wires things together: settings → database → engine → channel → scheduler."""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from handlers.engine import Engine, Services
from handlers.registry import build_engine
from program.calendar import load_calendar
from program.clock import Clock
from scheduler.delivery import DeliveryWorker, RateLimiter
from scheduler.jobs import Jobs
from scheduler.reminder_texts import ReminderTexts
from scheduler.sweeper import Sweeper
from storage.db import create_engine, migrate, session_factory

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    database: AsyncEngine
    services: Services
    engine: Engine
    channels: list[Any]
    jobs: Jobs

    @property
    def channel(self) -> Any:
        """The first channel (the only one, in most deployments)."""
        return self.channels[0]

    async def start(self) -> None:
        for channel in self.channels:
            await channel.start()
        await self.jobs.sweep()  # at start-up, before anyone writes: what fell due while the bot was down
        self.jobs.start(sweep_now=False)

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(*(channel.run(stop) for channel in self.channels))

    async def close(self) -> None:
        await self.jobs.stop()
        for channel in self.channels:
            await channel.close()
        await self.database.dispose()


def make_channels(settings: Settings, engine: Engine) -> list[Any]:
    """One adapter per configured channel, all on the same engine and database."""
    made: list[Any] = []
    for name in settings.channels:
        if name == "telegram":
            made.append(make_channel(settings, engine))
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


def make_channel(settings: Settings, engine: Engine) -> object:
    if not settings.bot_token:
        raise ValueError("BOT_TOKEN is not set")
    options = dict(token=settings.bot_token, api_url=settings.telegram_api_url, engine=engine,
                   poll_timeout=settings.poll_timeout)
    if settings.bot_engine == "ptb":
        from bot.channels.ptb import PtbChannel

        return PtbChannel(**options)
    from bot.channels.aiogram import AiogramChannel

    return AiogramChannel(**options)


async def build_app(settings: Settings, *, clock: Clock | None = None) -> App:
    from bot.rehearsal import program_clock_for

    database = create_engine(settings.database_url)
    await migrate(database)
    sessions = session_factory(database)
    clock = clock or await program_clock_for(settings, sessions)
    calendar = load_calendar(settings.calendar_file)
    services = Services(sessions=sessions, clock=clock, calendar=calendar, zone=settings.zone)
    engine = build_engine(services)
    channels = make_channels(settings, engine)
    senders = {("telegram" if c.name in ("aiogram", "ptb") else c.name): c for c in channels}
    jobs = Jobs(sessions, delivery_worker(settings, sessions, channels[0], senders, services), services.clock,
                interval=settings.outbox_interval,
                sweeper=Sweeper(sessions, services.clock, calendar, settings.zone), sweep_interval=settings.sweep_interval)
    services.on_outbox = jobs.poke
    assert jobs.sweeper is not None
    jobs.sweeper.on_enqueued = jobs.poke
    return App(settings, database, services, engine, channels, jobs)


def delivery_worker(settings: Settings, sessions, channel: Any, senders: dict[str, Any],  # noqa: ANN001
                    services: Services) -> DeliveryWorker:
    """The outbox's senders under the configured limits, writing reminders in each recipient's language."""
    from datetime import timedelta

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
    await app.start()
    log.info("bot is running (%s); press Ctrl+C to stop", ", ".join(c.name for c in app.channels))
    try:
        await app.run(stop)
    finally:
        await app.close()
