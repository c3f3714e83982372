"""The one place that wires things together: settings → database → engine → channel → scheduler."""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from handlers.engine import Engine, Services
from handlers.registry import build_engine
from program.calendar import load_calendar
from program.clock import Clock, SystemClock
from scheduler.delivery import DeliveryWorker
from scheduler.jobs import Jobs
from storage.db import create_engine, migrate, session_factory

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    database: AsyncEngine
    services: Services
    engine: Engine
    channel: object
    jobs: Jobs

    async def start(self) -> None:
        await self.channel.start()  # type: ignore[attr-defined]
        self.jobs.start()

    async def run(self, stop: asyncio.Event) -> None:
        await self.channel.run(stop)  # type: ignore[attr-defined]

    async def close(self) -> None:
        self.jobs.shutdown()
        await self.channel.close()  # type: ignore[attr-defined]
        await self.database.dispose()


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
    database = create_engine(settings.database_url)
    await migrate(database)
    sessions = session_factory(database)
    services = Services(sessions=sessions, clock=clock or SystemClock(), calendar=load_calendar(settings.calendar_file),
                        zone=settings.zone)
    engine = build_engine(services)
    channel = make_channel(settings, engine)
    jobs = Jobs(sessions, DeliveryWorker(sessions, channel, services.clock, zone=settings.zone),  # type: ignore[arg-type]
                services.clock,
                interval=settings.outbox_interval)
    services.on_outbox = jobs.poke
    return App(settings, database, services, engine, channel, jobs)


async def run_until_stopped(app: App) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    await app.start()
    log.info("bot is running (%s); press Ctrl+C to stop", app.settings.bot_engine)
    try:
        await app.run(stop)
    finally:
        await app.close()
