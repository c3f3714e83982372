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
    """Flood control (Telegram's 429): try again after `retry_after` seconds.

    `per_chat`: only this recipient is held back (DingTalk's flowControlledStaffIdList); others go on.
    """

    def __init__(self, retry_after: float, *, per_chat: bool = False) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after
        self.per_chat = per_chat


class Sender(Protocol):
    async def send_notice(self, chat_id: int, text: str, buttons: list[Any]) -> None: ...


class BatchSender(Protocol):
    """A channel that sends one message to several chats in one call (DingTalk's batchSend)."""

    max_batch: int

    async def send_notices(self, chat_ids: list[int], text: str, buttons: list[Any]) -> dict[int, Exception | None]:
        """Each chat's outcome: None (accepted), RetryLater or RecipientBlocked."""
        ...


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
    senders: dict[str, Any] = field(default_factory=dict)  # by channel; `sender` serves the others
    _paused_until: float = 0.0

    def sender_for(self, channel: str) -> Any:
        return self.senders.get(channel, self.sender)

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
            groups = self._groups(due)
            for position, group in enumerate(groups):
                now = time.monotonic()
                if now >= deadline or now < self._paused_until:  # out of time, or Telegram asked us to wait
                    async with self.sessions() as session, session.begin():
                        await outbox.release(session, [d for rest in groups[position:] for d in rest])
                    return sent
                sent += await (self._deliver_batch(group) if len(group) > 1 else self._deliver(group[0]))
        return sent

    def _groups(self, due: list[outbox.Delivery]) -> list[list[outbox.Delivery]]:
        """The same message for several people of a channel that can batch goes out in one call."""
        groups: list[list[outbox.Delivery]] = []
        open_groups: dict[tuple[str, str, str], list[outbox.Delivery]] = {}
        for delivery in due:
            sender = self.sender_for(delivery.channel)
            limit = getattr(sender, "max_batch", 1)
            key = (delivery.channel, delivery.text, repr(delivery.buttons))
            group = open_groups.get(key)
            if limit > 1 and group is not None and len(group) < limit:
                group.append(delivery)
                continue
            groups.append([delivery])
            if limit > 1:
                open_groups[key] = groups[-1]
        return groups

    async def _deliver_batch(self, group: list[outbox.Delivery]) -> int:
        first = group[0]
        await self.limiter.wait(first.chat_id)
        try:
            outcomes = await self.sender_for(first.channel).send_notices(
                [d.chat_id for d in group], first.text, first.buttons)
        except Exception as error:  # noqa: BLE001 - the whole call failed: each row is settled as if alone
            outcomes = {d.chat_id: error for d in group}
        sent = 0
        for delivery in group:
            sent += await self._settle(delivery, outcomes.get(delivery.chat_id))
        return sent

    async def _deliver(self, delivery: outbox.Delivery) -> int:
        await self.limiter.wait(delivery.chat_id)
        try:
            await self.sender_for(delivery.channel).send_notice(delivery.chat_id, delivery.text, delivery.buttons)
        except Exception as error:  # noqa: BLE001 - every refusal is settled below
            return await self._settle(delivery, error)
        return await self._settle(delivery, None)

    async def _settle(self, delivery: outbox.Delivery, outcome: Exception | None) -> int:
        try:
            if outcome is not None:
                raise outcome
        except RecipientBlocked as error:
            async with self.sessions() as session, session.begin():
                await outbox.mark_failed(session, delivery, "unreachable", str(error))
                await outbox.mark_unreachable(session, delivery.person_id, self.clock.now(), delivery.channel)
            return 0
        except RetryLater as error:
            if not error.per_chat:
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
