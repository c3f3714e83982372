"""The delivery worker on a real database: leases, flood control, several workers, quiet hours on retries."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from scheduler.delivery import DeliveryWorker, RateLimiter, RetryLater
from storage import outbox
from storage.db import create_engine, session_factory
from storage.models import Account, OutboxMessage
from tests.conftest import at
from tests.helpers import import_roster, make_services


class Recorder:
    """Stands in for the channel's sender (the Telegram side is covered end to end against the emulator)."""

    def __init__(self, fail: dict[int, Exception] | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail = fail or {}

    async def send_notice(self, chat_id, text, buttons):  # noqa: ANN001
        if chat_id in self.fail:
            raise self.fail.pop(chat_id)
        self.sent.append((chat_id, text))


async def prepared(sessions, clock, calendar, count: int = 3):  # noqa: ANN001, ANN201
    services = make_services(sessions, clock, calendar)
    await import_roster(services)
    async with sessions() as session, session.begin():
        from storage.models import Person

        people = (await session.execute(select(Person).order_by(Person.id))).unique().scalars().all()[:count]
        for person in people:
            session.add(Account(person_id=person.id, channel="telegram", external_id=500 + person.id,
                                chat_id=500 + person.id, bound_at=clock.now()))
            await outbox.enqueue(session, person_id=person.id, kind="test", dedupe_key=f"k{person.id}",
                                 text=f"hello {person.id}", buttons=[], due_at=clock.now(), now=clock.now())
        await outbox.enqueue(session, person_id=people[0].id, kind="test", dedupe_key=f"k{people[0].id}",
                             text="a duplicate key", buttons=[], due_at=clock.now(), now=clock.now())
    return [p.id for p in people]


def fast() -> RateLimiter:
    return RateLimiter(per_second=1000, per_chat_interval=0)


async def test_each_message_goes_out_once_even_with_two_workers(sessions, clock, calendar):
    await prepared(sessions, clock, calendar)
    sender = Recorder()
    first = DeliveryWorker(sessions, sender, clock, limiter=fast())
    second = DeliveryWorker(sessions, sender, clock, limiter=fast())
    assert await first.drain() + await second.drain() == 3
    assert len(sender.sent) == 3 and len(set(sender.sent)) == 3


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has one writer: no such race
async def test_two_workers_claiming_at_the_same_moment_send_each_message_once(database_url, sessions, clock, calendar,
                                                                              monkeypatch):
    """Defect 1: two delivery processes, each with its own engine, claim the same pending rows in real
    concurrent transactions. Their first claims meet halfway (both selects done, neither committed) before
    either goes on; still every message goes out exactly once, none is left behind, and each row is sent."""
    ids = await prepared(sessions, clock, calendar)
    async with sessions() as session, session.begin():
        for person in ids:
            for n in range(10):
                await outbox.enqueue(session, person_id=person, kind="test", dedupe_key=f"c{person}-{n}",
                                     text=f"batch {person}-{n}", buttons=[], due_at=clock.now(), now=clock.now())
    total = len(ids) * 11
    claim_due, inside, met, late = outbox.claim_due, [], asyncio.Event(), []

    async def claim_side_by_side(session, now, limit, lease):  # noqa: ANN001, ANN202
        claimed = await claim_due(session, now, limit, lease)
        if len(inside) < 2:  # each worker's first claim waits, its transaction open, for the other's
            inside.append(len(claimed))
            if len(inside) == 2:
                met.set()
            try:
                await asyncio.wait_for(met.wait(), 5)
            except TimeoutError:  # the other claim waits on this one's rows: they are not side by side
                late.append(len(inside))
        return claimed

    monkeypatch.setattr(outbox, "claim_due", claim_side_by_side)
    engines = [create_engine(database_url) for _ in range(2)]
    sender = Recorder()
    try:
        workers = [DeliveryWorker(session_factory(e), sender, clock, limiter=fast(), batch=10) for e in engines]
        counts = await asyncio.wait_for(asyncio.gather(*(worker.drain() for worker in workers)), 60)
    finally:
        for engine in engines:
            await engine.dispose()
    assert not late and all(inside), f"the first claims did not run side by side, each with rows: {inside}, {late}"
    assert len(sender.sent) == total and len(set(sender.sent)) == total, "each message once"
    assert sum(counts) == total and all(counts), counts
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    assert {r.text for r in rows} == {text for _, text in sender.sent}, "none lost"
    assert all(r.status == "sent" and r.sent_at and r.claim is None and r.attempts == 1 for r in rows)


async def test_flood_control_stops_the_batch_and_gives_the_rest_back(sessions, clock, calendar):
    ids = await prepared(sessions, clock, calendar)
    sender = Recorder({500 + ids[0]: RetryLater(300)})
    worker = DeliveryWorker(sessions, sender, clock, limiter=fast())
    assert await worker.drain() == 0 and sender.sent == []
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
    assert rows[0].due_at == clock.now() + timedelta(seconds=300)
    assert all(r.status == "pending" and r.claim is None and r.attempts == 0 for r in rows[1:])


async def test_a_lease_that_ran_out_is_not_used_to_send(sessions, clock, calendar):
    await prepared(sessions, clock, calendar)
    sender = Recorder()
    slow = DeliveryWorker(sessions, sender, clock, limiter=fast(), lease=timedelta(seconds=10))  # < safety margin
    assert await slow.drain() == 0 and sender.sent == []
    assert await DeliveryWorker(sessions, sender, clock, limiter=fast()).drain() == 3


async def test_retries_after_an_error_wait_for_the_morning(sessions, clock, calendar):
    ids = await prepared(sessions, clock, calendar, count=1)
    clock.set(at("2026-11-20 21:59:50"))
    worker = DeliveryWorker(sessions, Recorder({500 + ids[0]: ConnectionError("network down")}), clock, limiter=fast())
    await worker.drain()
    async with sessions() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert row.due_at == at("2026-11-21 07:30") and row.status == "pending" and "network down" in row.last_error
