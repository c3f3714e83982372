"""Delivering the outbox: due rows go out through their channel once, within its limits, never at night."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta, tzinfo
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from program.clock import PROGRAM_ZONE, Clock
from program.i18n import translator
from program.quiet_hours import DEFAULT_QUIET, next_send_time
from program.reminders import category_of, is_reminder
from scheduler.moment import Drop, Ready
from scheduler.reminder_texts import ReminderTexts
from storage import outbox, people, preferences

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


class PartlySent(Exception):
    """A long message went out in parts and part `sent` failed (`error`): the parts before it are not sent again."""

    def __init__(self, sent: int, error: Exception) -> None:
        super().__init__(f"{sent} part(s) sent, then: {error}")
        self.sent, self.error = sent, error


class Sender(Protocol):
    async def send_notice(self, chat_id: int, text: str, buttons: list[Any]) -> None: ...


class BatchSender(Protocol):
    """A channel that sends one message to several chats in one call (DingTalk's batchSend)."""

    max_batch: int

    async def send_notices(self, chat_ids: list[int], text: str, buttons: list[Any], *,
                           skip: int = 0) -> dict[int, Exception | None]:
        """Each chat's outcome: None (accepted), RetryLater, RecipientBlocked, or PartlySent with one of them."""
        ...


@dataclass
class RateLimiter:
    """≤ `per_second` messages in any sliding second overall, and ≤ 1 message per `per_chat_interval` to one chat.

    The window is a little longer than a second (1/headroom): Telegram, and the emulator, count the second
    on their side, where a message can arrive a few milliseconds later or earlier than we sent it. A worker
    that fell behind (a slow database moment) catches up within the window instead of losing its slots.
    """

    per_second: float = 30
    per_chat_interval: float = 1.0
    headroom: float = 0.97
    _sent: deque[float] = field(default_factory=deque)
    _last_by_chat: dict[int, float] = field(default_factory=dict)

    async def wait(self, chat_id: int) -> None:
        window, most = 1.0 / self.headroom, max(1, int(self.per_second))
        for _ in range(1000):  # bounded: each round sleeps until a slot frees up
            now = time.monotonic()
            while self._sent and now - self._sent[0] >= window:
                self._sent.popleft()
            delay = window - (now - self._sent[0]) if len(self._sent) >= most else 0.0
            last = self._last_by_chat.get(chat_id)
            if last is not None and self.per_chat_interval > 0:
                delay = max(delay, self.per_chat_interval / self.headroom - (now - last))
            if delay <= 0:
                self._sent.append(now)
                self._last_by_chat[chat_id] = now
                if len(self._last_by_chat) > 10_000:
                    self._last_by_chat = {c: t for c, t in self._last_by_chat.items()
                                          if now - t < 2 * self.per_chat_interval}
                return
            await asyncio.sleep(delay)


@dataclass
class DeliveryWorker:
    """Sends due outbox rows one call at a time, so a crash can leave at most one call sent but not marked."""

    sessions: async_sessionmaker[AsyncSession]
    sender: Sender
    clock: Clock
    limiter: RateLimiter = field(default_factory=RateLimiter)
    zone: tzinfo = PROGRAM_ZONE
    batch: int = 20
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 8
    senders: dict[str, Any] = field(default_factory=dict)  # by channel; `sender` serves the others
    texts: ReminderTexts | None = None  # writes reminders' words when they are sent
    quiet: tuple[clock_time, clock_time] = DEFAULT_QUIET  # for people who chose no quiet hours of their own
    margin: float = SAFETY_MARGIN
    stopping: bool = False  # set at shutdown: the run gives its claims back after the send in flight
    _paused_until: float = 0.0

    def sender_for(self, channel: str) -> Any:
        return self.senders.get(channel, self.sender)

    async def drain(self) -> int:
        """Sends what is due now; returns how many went out. Safe to run from several processes.

        The next batch is claimed and written while the current one is sent, so the rate limiter's slots
        are never lost to database work; sends stay one call at a time.
        """
        sent = 0
        claiming: asyncio.Task[_Batch] | None = asyncio.create_task(self._claim())
        try:
            for _ in range(100):  # at most 100 batches a run; the next run continues
                assert claiming is not None
                batch, claiming = await claiming, None
                if not batch.due:
                    break
                if len(batch.due) == self.batch:  # more may be waiting
                    claiming = asyncio.create_task(self._claim())
                # Never send once the lease may have passed to another worker: that could send twice.
                deadline = batch.started + self.lease.total_seconds() - self.margin
                groups = self._groups(batch.ready)
                for position, group in enumerate(groups):
                    now = time.monotonic()
                    if now >= deadline or now < self._paused_until or self.stopping:  # out of time, asked to wait
                        await self._release([d for rest in groups[position:] for d, _ in rest])
                        return sent
                    sent += await (self._deliver_batch(group, batch.who) if len(group) > 1
                                   else self._deliver(*group[0], batch.who))
                if claiming is None or time.monotonic() < self._paused_until:
                    break
            return sent
        finally:
            if claiming is not None:  # claimed ahead but not sent in this run: back to the queue
                await self._release([d for d, _ in (await claiming).ready])

    async def _claim(self) -> _Batch:
        """One transaction claims a batch and decides about each row: the night, a mute, too late, the words."""
        started = time.monotonic()
        async with self.sessions() as session, session.begin():
            due = await outbox.claim_due(session, self.clock.now(), self.batch, self.lease)
            who = await _Recipients.load(session, [d.person_id for d in due])
            ready = [(d, message) for d in due if (message := await self._prepare(session, d, who)) is not None]
        return _Batch(started, due, who, ready)

    async def _release(self, deliveries: list[outbox.Delivery]) -> None:
        if deliveries:
            async with self.sessions() as session, session.begin():
                await outbox.release(session, deliveries)

    def _groups(self, ready: list[tuple[outbox.Delivery, _Message]]) -> list[list[tuple[outbox.Delivery, _Message]]]:
        """The same message for several people of a channel that can batch goes out in one call."""
        groups: list[list[tuple[outbox.Delivery, _Message]]] = []
        open_groups: dict[tuple[str, int, str, str], list[tuple[outbox.Delivery, _Message]]] = {}
        for delivery, message in ready:
            limit = getattr(self.sender_for(delivery.channel), "max_batch", 1)
            key = (delivery.channel, delivery.parts_sent, message.text, repr(message.buttons))
            group = open_groups.get(key)
            if limit > 1 and group is not None and len(group) < limit:
                group.append((delivery, message))
                continue
            groups.append([(delivery, message)])
            if limit > 1:
                open_groups[key] = groups[-1]
        return groups

    async def _deliver_batch(self, group: list[tuple[outbox.Delivery, _Message]], who: _Recipients) -> int:
        first, message = group[0]
        await self.limiter.wait(first.chat_id)
        skip = {"skip": first.parts_sent} if first.parts_sent else {}  # a group shares its progress (_groups)
        try:
            outcomes = await self.sender_for(first.channel).send_notices(
                [d.chat_id for d, _ in group], message.text, message.buttons, **skip)
        except Exception as error:  # noqa: BLE001 - the whole call failed: each row is settled as if alone
            outcomes = {d.chat_id: error for d, _ in group}
        sent = 0
        for delivery, each in group:
            sent += await self._settle(delivery, each, outcomes.get(delivery.chat_id), who)
        return sent

    async def _deliver(self, delivery: outbox.Delivery, message: _Message, who: _Recipients) -> int:
        """One send, then its own commit: a crash between the two is the only way a message goes out twice."""
        await self.limiter.wait(delivery.chat_id)
        sender = self.sender_for(delivery.channel)
        try:
            if delivery.parts_sent:  # the start of a long message went out on an earlier try
                await sender.send_notice(delivery.chat_id, message.text, message.buttons, skip=delivery.parts_sent)
            else:
                await sender.send_notice(delivery.chat_id, message.text, message.buttons)
        except Exception as error:  # noqa: BLE001 - every refusal is settled below
            return await self._settle(delivery, message, error, who)
        return await self._settle(delivery, message, None, who)

    async def _settle(self, delivery: outbox.Delivery, message: _Message, outcome: Exception | None,
                      who: _Recipients) -> int:
        if isinstance(outcome, PartlySent):  # the start of a long message is out: a retry goes on after it
            async with self.sessions() as session, session.begin():
                await outbox.record_parts(session, delivery, outcome.sent)
            outcome = outcome.error
        try:
            if outcome is not None:
                raise outcome
        except RecipientBlocked as error:
            async with self.sessions() as session, session.begin():
                if await outbox.mark_unreachable(session, delivery.person_id, self.clock.now(), delivery.channel,
                                                 refused_since=delivery.claimed_at):
                    await outbox.mark_failed(session, delivery, "unreachable", str(error))
                else:  # they unblocked after this try began: the refusal is older, the message goes out again
                    await outbox.postpone(session, delivery, delivery.due_at or self.clock.now(), str(error))
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
                    retry_at = next_send_time(self.clock.now() + backoff, self.zone, who.quiet_of(delivery, self))
                    await outbox.postpone(session, delivery, retry_at, repr(error))
            return 0
        async with self.sessions() as session, session.begin():
            await outbox.mark_sent(session, delivery, self.clock.now(), message.text if message.rendered else None)
        return 1

    async def _prepare(self, session: AsyncSession, delivery: outbox.Delivery, who: _Recipients) -> _Message | None:
        """The message to send now; None when it waits for the morning, or is not sent at all (and why)."""
        now = self.clock.now()
        wake = next_send_time(now, self.zone, who.quiet_of(delivery, self))
        if wake > now:
            await outbox.wait_until(session, delivery, wake)
            return None
        category = category_of(delivery.kind)
        outcome: Ready | Drop
        if delivery.expires_at is not None and now >= delivery.expires_at:
            outcome = Drop("missed", "too late to be worth sending")
        elif category is not None and category.value in who.muted.get(delivery.person_id, set()):
            outcome = Drop("skipped", f"muted: {category.value}")
        elif not is_reminder(delivery.kind):
            return _Message(delivery.text, delivery.buttons, rendered=False)
        elif self.texts is None:
            outcome = Drop("failed", "this process cannot write reminders")
        else:
            outcome = await self.texts.prepare(session, delivery, translator(who.language.get(delivery.person_id)),
                                               now)
        if isinstance(outcome, Drop):
            await outbox.drop(session, delivery, outcome.status, outcome.reason)
            return None
        return _Message(outcome.text, outcome.buttons, rendered=True)


@dataclass(frozen=True)
class _Batch:
    started: float  # when it was claimed (monotonic): its lease counts from here
    due: list[outbox.Delivery]
    who: _Recipients
    ready: list[tuple[outbox.Delivery, _Message]]


@dataclass(frozen=True)
class _Message:
    text: str
    buttons: list[Any]
    rendered: bool  # a reminder written now: its text is kept with the row


@dataclass(frozen=True)
class _Recipients:
    """What delivery needs to know about the people of one batch, loaded in three queries."""

    quiet: dict[int, tuple[clock_time, clock_time]]
    muted: dict[int, set[str]]
    language: dict[int, str | None]

    @classmethod
    async def load(cls, session: AsyncSession, person_ids: list[int]) -> _Recipients:
        if not person_ids:
            return cls({}, {}, {})
        return cls(await preferences.quiet_hours_of(session, person_ids),
                   await preferences.muted_of(session, person_ids), await people.languages_of(session, person_ids))

    def quiet_of(self, delivery: outbox.Delivery, worker: DeliveryWorker) -> tuple[clock_time, clock_time]:
        return self.quiet.get(delivery.person_id, worker.quiet)
