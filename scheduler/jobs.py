"""APScheduler wiring: the periodic jobs of one deployment (outbox delivery, housekeeping)."""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from program.clock import Clock
from scheduler.delivery import DeliveryWorker
from storage import plumbing

log = logging.getLogger(__name__)
UPDATE_MEMORY = timedelta(days=7)  # Telegram keeps undelivered updates for 24 hours


class Jobs:
    """Starts the scheduler; `poke()` asks for an outbox run now (after a handler queued a notice)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], worker: DeliveryWorker, clock: Clock,
                 *, interval: float = 5.0) -> None:
        self.sessions, self.worker, self.clock = sessions, worker, clock
        self.scheduler = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1,
                                                        "misfire_grace_time": 60})
        self.interval = interval
        self._lock = asyncio.Lock()

    def start(self) -> None:
        self.scheduler.add_job(self.deliver, "interval", seconds=self.interval, id="outbox", replace_existing=True)
        self.scheduler.add_job(self.housekeeping, "interval", hours=6, id="housekeeping", replace_existing=True)
        self.scheduler.start()

    def poke(self) -> None:
        self.scheduler.modify_job("outbox", next_run_time=datetime.now(UTC))  # APScheduler runs on real time

    async def deliver(self) -> int:
        async with self._lock:
            try:
                return await self.worker.drain()
            except Exception:
                log.exception("outbox run failed")
                return 0

    async def housekeeping(self) -> None:
        async with self.sessions() as session, session.begin():
            await plumbing.forget_updates_before(session, self.clock.now() - UPDATE_MEMORY)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
