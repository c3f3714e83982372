"""The outbox's conditional updates racing the delivery worker's claim (FOR UPDATE SKIP LOCKED and its lease).

Two processes on PostgreSQL, each with its own connections: the bot (a teacher's undo, a person writing
again) or the sweeper on one side, the delivery worker on the other. One of them acts first and then waits
until the other has finished (races.Turn); where the first holds a row lock the other cannot finish, and
the first goes on after `patience`. Whatever the order, a message is sent once or not at all, and what is
stored says which. On SQLite both share the single connection, which queues them: the same stories hold.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from handlers.reachability import membership_changed
from program.clock import SettableClock
from scheduler.delivery import DeliveryWorker, RecipientBlocked
from scheduler.sweeper import Sweeper
from storage import outbox
from storage.db import create_engine, session_factory
from storage.models import Account, GrowthLog, OutboxMessage, Person
from tests.conversations.test_consequences import file_log
from tests.helpers import import_roster, joined, make_engine, make_services
from tests.scheduler.test_delivery import Recorder, fast
from tests.security.races import Turn, wait_only_where_it_can_race

WANG = 1001  # 王小明's Telegram user and chat


@pytest.fixture
async def pair(database_url, clock, calendar, monkeypatch):
    """The bot's worker and the delivery worker: on PostgreSQL with separate pools; on SQLite one connection."""
    wait_only_where_it_can_race(monkeypatch, database_url)
    first = create_engine(database_url)
    second = create_engine(database_url) if database_url.startswith("postgresql") else first
    bot = make_services(session_factory(first), clock, calendar)
    await import_roster(bot)
    yield make_engine(bot), bot, session_factory(second)
    await first.dispose()
    await second.dispose()


async def rows(sessions) -> list[OutboxMessage]:  # noqa: ANN001
    async with sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


def sent_to_wang(sender: Recorder) -> list[str]:
    return [text for chat, text in sender.sent if chat == WANG]


@pytest.mark.parametrize("first", ["worker", "teacher"])
async def test_a_teachers_undo_and_the_delivery_of_the_review_notice_at_once(pair, monkeypatch, first):
    """张丽 confirms 王小明's log and taps undo just as the delivery worker claims the notice. Either the notice
    went out and the undo says so (a "taken back" notice follows it), or it was withdrawn and never sent:
    never withdrawn and sent (the student would think the log confirmed), never neither."""
    engine, services, delivery_sessions = pair
    teacher = await joined(engine, services, "张丽", 3001)
    wang = await joined(engine, services, "王小明", WANG)
    await file_log(wang, "阅读")
    await teacher.send("/confirm")
    await teacher.press("确认 #1")
    sender = Recorder()
    worker = DeliveryWorker(delivery_sessions, sender, services.clock, limiter=fast())
    turn = Turn()
    if first == "worker":  # its claim holds the row (locked, then leased) while the teacher taps undo
        turn.after(monkeypatch, outbox, "claim_due")
        _, undone = await asyncio.gather(worker.drain(), turn.then(teacher.press("撤销")))
    else:  # the undo's withdrawal holds the row, not yet committed, while the worker claims
        turn.after(monkeypatch, outbox, "withdraw")
        undone, _ = await asyncio.gather(teacher.press("撤销"), turn.then(worker.drain()))
    assert "已撤销" in "\n".join(s.text for s in undone), [s.text for s in undone]
    async with services.sessions() as session:
        assert (await session.execute(select(GrowthLog.status))).scalar_one() == "submitted"
    stored = await rows(services.sessions)
    (review,) = [r for r in stored if r.dedupe_key.startswith("log-reviewed:") and not r.dedupe_key.endswith("undone")]
    taken_back = [r for r in stored if r.kind == "log_review_undone"]
    if first == "worker":  # the notice was on its way: sent once, and the student hears it was taken back
        assert sent_to_wang(sender) == [review.text] and review.status == "sent", (sender.sent, review.status)
        assert len(taken_back) == 1 and taken_back[0].status == "pending", "the undo says it was already sent"
    else:  # withdrawn before the claim: never sent, and nothing to take back
        assert sent_to_wang(sender) == [] and review.status == "skipped" and review.last_error == "withdrawn", (
            sender.sent, review.status, review.last_error)
        assert taken_back == []


async def a_reminder_for_wang(services, *, expires_in: timedelta) -> None:  # noqa: ANN001
    """王小明 has joined; a notice due now is worth sending only until `expires_in` from now."""
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        wang = (await session.execute(select(Person).where(Person.name == "王小明"))).unique().scalar_one()
        await outbox.enqueue(session, person_id=wang.id, kind="test", dedupe_key="soon-over", text="快开始了",
                             buttons=[], due_at=now, now=now)
        await session.execute(update(OutboxMessage).values(expires_at=now + expires_in))


@pytest.mark.parametrize("first", ["worker", "sweeper"])
async def test_the_sweep_expiring_a_notice_the_worker_is_claiming_sends_or_expires_it_never_both(
        pair, monkeypatch, calendar, first):
    """The worker claims a notice at 10:00, half a minute before it is no longer worth sending; the sweeper's
    pass at 10:01 finds it overdue. Either it is sent (the lease keeps the sweep off it) or it is recorded
    as missed and never sent (the worker skips the row the sweep holds); never both, never neither."""
    engine, services, delivery_sessions = pair
    await joined(engine, services, "王小明", WANG)
    await a_reminder_for_wang(services, expires_in=timedelta(seconds=30))
    sender = Recorder()
    worker = DeliveryWorker(delivery_sessions, sender, services.clock, limiter=fast())
    later = SettableClock(services.clock.now() + timedelta(minutes=1), frozen=True)
    sweeper = Sweeper(services.sessions, later, calendar)
    turn = Turn()
    if first == "worker":
        turn.after(monkeypatch, outbox, "claim_due")
        await asyncio.gather(worker.drain(), turn.then(sweeper.sweep()))
    else:
        turn.after(monkeypatch, outbox, "expire_overdue")
        await asyncio.gather(sweeper.sweep(), turn.then(worker.drain()))
    (row,) = [r for r in await rows(services.sessions) if r.dedupe_key == "soon-over"]
    if first == "worker":
        assert sent_to_wang(sender) == ["快开始了"] and row.status == "sent" and row.last_error is None, (
            sender.sent, row.status, row.last_error)
        assert sweeper.written["expired"] == 0
    else:
        assert sent_to_wang(sender) == [] and row.status == "missed" and sweeper.written["expired"] == 1, (
            sender.sent, row.status, sweeper.written)
        assert row.claim is None and row.attempts == 0, "the worker never held it"


@pytest.mark.parametrize("first", ["wang", "scheduler"])
async def test_a_person_who_blocked_the_bot_writes_again_while_the_scheduler_sweeps_and_delivers(
        pair, monkeypatch, calendar, first):
    """王小明 blocked the bot yesterday; since then notices waited for him. He writes again just as the
    scheduler's sweep and delivery run. What waited since the block goes out once, on the next run at the
    latest; what was sent before the block is not sent again; what waited over a week, or is overdue, never goes."""
    engine, services, delivery_sessions = pair
    wang = await joined(engine, services, "王小明", WANG)
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        person = (await session.execute(select(Person).where(Person.name == "王小明"))).unique().scalar_one()
        for key, status, age, expires in (("before-block", "sent", 2, None), ("blocked", "unreachable", 1, None),
                                          ("while-blocked", "pending", 0, None), ("ancient", "unreachable", 9, None),
                                          ("overdue", "unreachable", 1, now - timedelta(hours=1))):
            await outbox.enqueue(session, person_id=person.id, kind="test", dedupe_key=key, text=key, buttons=[],
                                 due_at=now - timedelta(days=age), now=now - timedelta(days=age))
            await session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == key)
                                  .values(status=status, expires_at=expires))
        await outbox.mark_unreachable(session, person.id, now - timedelta(days=1))
    sender = Recorder()
    worker = DeliveryWorker(delivery_sessions, sender, services.clock, limiter=fast())
    sweeper = Sweeper(delivery_sessions, services.clock, calendar)

    async def scheduler() -> int:
        await sweeper.sweep()
        return await worker.drain()

    turn = Turn()
    if first == "wang":  # his message's transaction has requeued what waited, not yet committed
        turn.after(monkeypatch, outbox, "requeue_for")
        await asyncio.gather(wang.send("你好"), turn.then(scheduler()))
    else:  # the sweep holds the overdue row it expired, not yet committed, when he writes
        turn.after(monkeypatch, outbox, "expire_overdue")
        await asyncio.gather(scheduler(), turn.then(wang.send("你好")))
    await worker.drain()  # the next run
    assert sorted(sent_to_wang(sender)) == ["blocked", "while-blocked"], sender.sent
    status = {r.dedupe_key: r.status for r in await rows(services.sessions)}
    assert status == {"before-block": "sent", "blocked": "sent", "while-blocked": "sent", "ancient": "unreachable",
                      "overdue": "missed"}, status
    overdue = [r for r in await rows(services.sessions) if r.dedupe_key == "overdue"][0]
    assert overdue.last_error == "expired before it could be sent" and overdue.attempts == 0, "never claimed"
    async with services.sessions() as session:
        assert (await session.execute(select(Account.unreachable_at))).scalars().all() == [None]


class RefusedOnce(Recorder):
    """Telegram refuses the first send to 王小明 (403, he blocked the bot); `refusal` is the moment the worker
    has Telegram's answer in hand and has not recorded it yet."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []

    async def send_notice(self, chat_id, text, buttons):  # noqa: ANN001
        if chat_id == WANG and not self.refused:
            self.refused.append(text)
            await self.refusal()
            raise RecipientBlocked("Forbidden: bot was blocked by the user")
        await super().send_notice(chat_id, text, buttons)

    async def refusal(self) -> None:
        return None


async def test_unblocking_while_the_refusal_of_a_notice_is_on_its_way_leaves_him_reachable(pair, monkeypatch):
    """王小明 blocks the bot just as the worker sends him a notice (10:00); Telegram refuses it. Before the worker
    records the refusal he unblocks (10:00:05). His unblocking is newer than the refusal: he stays reachable,
    and that notice and the next one reach him on the next runs, each once."""
    engine, services, delivery_sessions = pair
    await joined(engine, services, "王小明", WANG)
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        wang = (await session.execute(select(Person.id).where(Person.name == "王小明"))).scalar_one()
        await outbox.enqueue(session, person_id=wang, kind="test", dedupe_key="first", text="第一条", buttons=[],
                             due_at=now, now=now)
    sender = RefusedOnce()
    worker = DeliveryWorker(delivery_sessions, sender, services.clock, limiter=fast())

    async def blocks_then_unblocks() -> None:  # Telegram's two my_chat_member updates, as the bot handles them
        services.clock.advance(timedelta(seconds=5))
        for update_id, blocked in ((9001, True), (9002, False)):
            assert await membership_changed(services, channel="telegram", user_id=WANG, blocked=blocked,
                                            update_id=update_id, update_scope="telegram")

    turn = Turn()
    turn.after(monkeypatch, sender, "refusal")
    sent, _ = await asyncio.gather(worker.drain(), turn.then(blocks_then_unblocks()))
    assert sent == 0 and sender.refused == ["第一条"]
    async with services.sessions() as session:
        assert (await session.execute(select(Account.unreachable_at))).scalars().all() == [None], "still blocked"
    async with services.sessions() as session, session.begin():
        await outbox.enqueue(session, person_id=wang, kind="test", dedupe_key="second", text="第二条", buttons=[],
                             due_at=services.clock.now(), now=services.clock.now())
    services.clock.advance(timedelta(minutes=1))
    await worker.drain()  # the next run
    await worker.drain()  # and the one after: nothing is left, nothing goes twice
    assert sent_to_wang(sender) == ["第一条", "第二条"], sender.sent
    assert {r.dedupe_key: r.status for r in await rows(services.sessions)} == {"first": "sent", "second": "sent"}
