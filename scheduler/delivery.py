"""Delivering the outbox: due rows go out through the channel once, within Telegram's limits."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from program.clock import PROGRAM_ZONE, Clock
from program.quiet_hours import next_send_time
from storage import outbox

log = logging.getLogger(__name__)
SAFETY_MARGIN = 15.0  # seconds kept between the last send of a batch and the end of its lease


class RecipientBlocked(Exception):
    """The user blocked the bot (Telegram's 403): mark them unreachable, never retry."""


class RetryLater(Exception):
    """Flood control (Telegram's 429): try again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class Sender(Protocol):
    async def send_notice(self, chat_id: int, text: str, buttons: list[Any]) -> None: ...


@dataclass
class RateLimiter:
    """≤ `per_second` messages overall and ≤ 1 message per second to one chat."""

    per_second: int = 30
    per_chat_interval: float = 1.0
    _sent: deque[float] = field(default_factory=deque)
    _last_by_chat: dict[int, float] = field(default_factory=dict)

    async def wait(self, chat_id: int) -> None:
        for _ in range(1000):  # bounded: each round sleeps until a slot frees up
            now = time.monotonic()
            while self._sent and now - self._sent[0] >= 1.0:
                self._sent.popleft()
            delay = 0.0
            if len(self._sent) >= self.per_second:
                delay = 1.0 - (now - self._sent[0])
            last = self._last_by_chat.get(chat_id)
            if last is not None and now - last < self.per_chat_interval:
                delay = max(delay, self.per_chat_interval - (now - last))
            if delay <= 0:
                self._sent.append(now)
                self._last_by_chat[chat_id] = now
                if len(self._last_by_chat) > 10_000:
                    self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if now - t < 2}
                return
            await asyncio.sleep(delay)


@dataclass
class DeliveryWorker:
    sessions: async_sessionmaker[AsyncSession]
    sender: Sender
    clock: Clock
    limiter: RateLimiter = field(default_factory=RateLimiter)
    zone: tzinfo = PROGRAM_ZONE
    batch: int = 20
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 8
    _paused_until: float = 0.0

    async def drain(self) -> int:
        """Sends what is due now; returns how many went out. Safe to run from several processes."""
        sent = 0
        for _ in range(100):  # at most 100 batches a run; the next run continues
            if time.monotonic() < self._paused_until:
                break
            started = time.monotonic()
            async with self.sessions() as session, session.begin():
                due = await outbox.claim_due(session, self.clock.now(), self.batch, self.lease)
            if not due:
                break
            # Never send once the lease may have passed to another worker: that could send twice.
            deadline = started + self.lease.total_seconds() - SAFETY_MARGIN
            for position, delivery in enumerate(due):
                now = time.monotonic()
                if now >= deadline or now < self._paused_until:  # out of time, or Telegram asked us to wait
                    async with self.sessions() as session, session.begin():
                        await outbox.release(session, due[position:])
                    return sent
                sent += await self._deliver(delivery)
        return sent

    async def _deliver(self, delivery: outbox.Delivery) -> int:
        await self.limiter.wait(delivery.chat_id)
        try:
            await self.sender.send_notice(delivery.chat_id, delivery.text, delivery.buttons)
        except RecipientBlocked as error:
            async with self.sessions() as session, session.begin():
                await outbox.mark_failed(session, delivery, "unreachable", str(error))
                await outbox.mark_unreachable(session, delivery.person_id, self.clock.now())
            return 0
        except RetryLater as error:
            self._paused_until = time.monotonic() + error.retry_after
            async with self.sessions() as session, session.begin():
                await outbox.postpone(session, delivery, self.clock.now() + timedelta(seconds=error.retry_after),
                                      None)
            return 0
        except Exception as error:  # network trouble, a bad request: try again later, then give up
            log.warning("delivery of outbox row %s failed: %s", delivery.id, error)
            async with self.sessions() as session, session.begin():
                if delivery.attempts >= self.max_attempts:
                    await outbox.mark_failed(session, delivery, "failed", repr(error))
                else:
                    backoff = timedelta(seconds=min(3600, 5 * 2 ** delivery.attempts))
                    retry_at = next_send_time(self.clock.now() + backoff, self.zone)
                    await outbox.postpone(session, delivery, retry_at, repr(error))
            return 0
        async with self.sessions() as session, session.begin():
            await outbox.mark_sent(session, delivery, self.clock.now())
        return 1
