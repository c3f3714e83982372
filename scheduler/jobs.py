"""APScheduler wiring: the periodic jobs of one deployment (reminder sweeps, outbox delivery, housekeeping)."""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from program.clock import Clock
from scheduler.delivery import DeliveryWorker
from scheduler.sweeper import Sweeper
from storage import plumbing

log = logging.getLogger(__name__)
UPDATE_MEMORY = timedelta(days=7)  # Telegram keeps undelivered updates for 24 hours


class Jobs:
    """Starts the scheduler; `poke()` asks for an outbox run now (after a handler queued a notice)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], worker: DeliveryWorker, clock: Clock,
                 *, interval: float = 5.0, sweeper: Sweeper | None = None, sweep_interval: float = 300.0) -> None:
        self.sessions, self.worker, self.clock = sessions, worker, clock
        self.scheduler = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1,
                                                        "misfire_grace_time": 60})
        self.interval = interval
        self.sweeper, self.sweep_interval = sweeper, sweep_interval
        self._lock = asyncio.Lock()
        self._sweeping = asyncio.Lock()

    def start(self, *, sweep_now: bool = True) -> None:
        """Starts the jobs; the first sweep runs at once unless the caller just ran one (`sweep_now=False`)."""
        # A run that comes too late is skipped rather than run twice in a row (coalesce); the grace fits
        # the job: the next outbox run is seconds away, a sweep that is late by a whole interval is
        # replaced by the next one (sweeps are idempotent), housekeeping can wait an hour.
        self.scheduler.add_job(self.deliver, "interval", seconds=self.interval, id="outbox", replace_existing=True,
                               coalesce=True, misfire_grace_time=max(1, round(self.interval)))
        if self.sweeper is not None:
            first = {"next_run_time": datetime.now(UTC)} if sweep_now else {}
            self.scheduler.add_job(self.sweep, "interval", seconds=self.sweep_interval, id="reminders",
                                   replace_existing=True, coalesce=True,
                                   misfire_grace_time=max(1, round(self.sweep_interval)), **first)
        self.scheduler.add_job(self.housekeeping, "interval", hours=6, id="housekeeping", replace_existing=True,
                               coalesce=True, misfire_grace_time=3600)
        self.scheduler.start()

    def poke(self) -> None:
        """Runs the outbox now (APScheduler runs on real time); a no-op before the scheduler started."""
        if self.scheduler.running:
            self.scheduler.modify_job("outbox", next_run_time=datetime.now(UTC))

    async def sweep(self) -> int:
        """The reminder sweeps, at the program clock's "now" (a rehearsal or sandbox clock included)."""
        if self.sweeper is None:
            return 0
        try:
            async with self._sweeping:
                return await self.sweeper.sweep()
        except Exception:
            log.exception("reminder sweep failed")
            return 0

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

    async def finish(self, grace: float) -> None:
        """Waits (at most `grace` seconds) for a delivery run in progress, which gives back what it claimed."""
        try:
            await asyncio.wait_for(self._lock.acquire(), grace)
        except asyncio.TimeoutError:
            log.warning("an outbox run was still going after %.0fs", grace)
            return
        self._lock.release()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def stop(self, timeout: float = 20.0) -> None:
        """No new runs, and the ones under way finish: no transaction is left open behind the process's back."""
        self.worker.stopping = True  # a delivery run gives back what it has not sent yet
        self.shutdown()
        for lock in (self._sweeping, self._lock):
            try:
                await asyncio.wait_for(lock.acquire(), timeout)
            except TimeoutError:
                log.warning("a scheduler job was still running after %.0f s at shutdown", timeout)
                continue
            lock.release()
