"""One person on Telegram and on DingTalk: each notice goes once, to the account they used last."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.kit import Incoming
from scheduler.delivery import DeliveryWorker, RateLimiter
from storage import invites, outbox, people
from storage.models import Account, Person
from tests.helpers import import_roster, make_engine, make_services


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_notice(self, chat_id, text, buttons):  # noqa: ANN001
        self.sent.append((chat_id, text))


async def join(engine, services, name: str, channel: str, user_id: int) -> None:  # noqa: ANN001
    async with services.sessions() as session, session.begin():
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        code = (await invites.issue(session, person.id, services.clock.now(), timedelta(days=30))).code
    await engine.handle(Incoming(user_id=user_id, chat_id=user_id, command="start", argument=code, channel=channel,
                                 update_scope=channel, update_id=user_id))


async def notify(services, text: str) -> None:  # noqa: ANN001
    async with services.sessions() as session, session.begin():
        person = (await session.execute(select(Person).where(Person.name == "王小明"))).unique().scalar_one()
        await outbox.enqueue(session, person_id=person.id, kind="test", dedupe_key=text, text=text, buttons=[],
                             due_at=services.clock.now(), now=services.clock.now())


async def test_notices_follow_the_channel_used_last_and_never_go_to_both(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    engine = make_engine(services)
    await import_roster(services)
    telegram, dingtalk = Recorder(), Recorder()
    worker = DeliveryWorker(sessions, telegram, clock, limiter=RateLimiter(1000, 0),
                            senders={"telegram": telegram, "dingtalk": dingtalk})
    await join(engine, services, "王小明", "telegram", 7001)
    clock.set(clock.now() + timedelta(minutes=5))
    await join(engine, services, "王小明", "dingtalk", 3)  # the same person, a second account
    async with sessions() as session:
        assert sorted(a.channel for a in (await session.execute(select(Account))).scalars()) == ["dingtalk", "telegram"]
    await notify(services, "first")
    assert await worker.drain() == 1
    assert (dingtalk.sent, telegram.sent) == ([(3, "first")], [])

    clock.set(clock.now() + timedelta(minutes=5))
    await engine.handle(Incoming(user_id=7001, chat_id=7001, command="progress", update_id=7002))
    await notify(services, "second")
    assert await worker.drain() == 1
    assert (dingtalk.sent, telegram.sent) == ([(3, "first")], [(7001, "second")])


async def test_a_new_phone_replaces_the_account_on_its_own_channel_only(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    engine = make_engine(services)
    await import_roster(services)
    await join(engine, services, "孙悦", "telegram", 7101)
    await join(engine, services, "孙悦", "dingtalk", 5)
    await join(engine, services, "孙悦", "telegram", 7102)  # lost phone: re-invited on Telegram
    async with sessions() as session:
        found = {(a.channel, a.external_id) for a in (await session.execute(select(Account))).scalars()}
        assert await people.account_of(session, "telegram", 7101) is None
    assert found == {("telegram", 7102), ("dingtalk", 5)}
