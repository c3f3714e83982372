"""How one process takes part in a deployment: the scheduler only where it leads, wake-ups, the webhook secret."""
from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from handlers.kit import Services
from scheduler.leader import Leadership
from storage import runtime

if TYPE_CHECKING:
    from scheduler.jobs import Jobs

WEBHOOK_SECRET = "telegram_webhook_secret"


async def webhook_secret(settings: Settings, services: Services) -> str:
    """WEBHOOK_SECRET, or a random one made once and kept in the database for every worker."""
    if settings.webhook_secret:
        return settings.webhook_secret
    async with services.sessions() as session, session.begin():
        return await runtime.shared_secret(session, WEBHOOK_SECRET, lambda: secrets.token_urlsafe(32),
                                           services.clock.now())


def leadership_for(jobs: Jobs, database: AsyncEngine, settings: Settings) -> Leadership:
    """The scheduler's jobs run while this process holds the leader lock, and pause when it loses it."""

    async def gained() -> None:
        jobs.worker.stopping = False
        await jobs.sweep()  # what fell due while nobody led, before the interval comes round
        jobs.scheduler.resume()
        jobs.poke()

    def lost() -> None:
        jobs.worker.stopping = True
        jobs.scheduler.pause()

    return Leadership(database, on_gain=gained, on_loss=lost, wake=jobs.poke,
                      retry=min(5.0, settings.outbox_interval))


def waker(leadership: Leadership | None, database: AsyncEngine) -> Callable[[], None]:
    """After a handler queued a message: wake whoever delivers (this process, or the leader elsewhere)."""
    who = leadership or Leadership(database, on_gain=_nothing, on_loss=lambda: None, wake=lambda: None)
    pending: set[asyncio.Task[Any]] = set()

    def poke() -> None:
        task = asyncio.get_running_loop().create_task(who.poke())
        pending.add(task)
        task.add_done_callback(pending.discard)

    poke.pending = pending  # type: ignore[attr-defined]
    return poke


async def settle(services: Services) -> None:
    """Waits for the wake-ups handlers asked for (a NOTIFY each) before the database goes."""
    pending = getattr(services.on_outbox, "pending", set())
    if pending:
        await asyncio.wait(set(pending), timeout=5)


async def _nothing() -> None:
    return None
