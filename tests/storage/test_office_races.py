"""Two office clerks on two phones act on one student at the same moment (PostgreSQL, separate pools).

The first clerk's transaction stays open while the second starts: without a row lock or a single
conditional statement the second would act on what it read before the first committed.
"""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any, Awaitable, Callable

import pytest
from sqlalchemy import select

from program.annual import Dimension, Outcome, Rating
from storage import annual, evaluations, invites, office
from storage.db import create_engine, session_factory
from storage.models import AnnualResult, Invite, Person, Supervision, WindowOverride
from tests.helpers import import_roster, make_services

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
Act = Callable[[Any], Awaitable[Any]]


@pytest.fixture
async def clerks(database_url, clock, calendar):
    """Two clerks' sessions, each on its own pool, as two bot workers would have."""
    first, second = create_engine(database_url), create_engine(database_url)
    await import_roster(make_services(session_factory(first), clock, calendar))
    yield session_factory(first), session_factory(second)
    await first.dispose()
    await second.dispose()


async def at_once(clerks, first: Act, second: Act) -> None:  # noqa: ANN001
    """The first clerk acts and, before committing, the second starts; both must finish without error."""
    one, other = clerks

    async def later() -> None:
        async with other() as session, session.begin():
            await second(session)

    async with one() as session, session.begin():
        await first(session)
        racer = asyncio.create_task(later())
        await asyncio.wait({racer}, timeout=0.5)  # it waits for the lock (or, unprotected, acts now)
    await asyncio.wait_for(racer, 10)


async def ids(sessions) -> dict[str, int]:  # noqa: ANN001
    async with sessions() as session:
        return dict((await session.execute(select(Person.name, Person.id))).all())


async def test_two_clerks_moving_one_student_leave_one_mentor_not_both(clerks, clock):
    who = await ids(clerks[0])
    await at_once(clerks,
                  lambda s: office.move_student(s, who["王小明"], "mentor", [who["赵华教授"]]),
                  lambda s: office.move_student(s, who["王小明"], "mentor", [who["李明教授"]]))
    async with clerks[0]() as session:
        mentors = set((await session.execute(select(Supervision.supervisor_id).where(
            Supervision.student_id == who["王小明"], Supervision.relation == "mentor"))).scalars())
    assert mentors == {who["李明教授"]}  # the later clerk's choice, alone


async def test_two_clerks_reissuing_one_lost_invite_leave_one_working_code(clerks, clock):
    who = await ids(clerks[0])
    await at_once(clerks,
                  lambda s: invites.issue(s, who["王小明"], clock.now(), timedelta(days=30)),
                  lambda s: invites.issue(s, who["王小明"], clock.now(), timedelta(days=30)))
    async with clerks[0]() as session:
        live = (await session.execute(select(Invite).where(
            Invite.person_id == who["王小明"], Invite.revoked_at.is_(None)))).scalars().all()
    assert len(live) == 1


async def test_two_clerks_reopening_one_window_leave_one_override(clerks, clock):
    who = await ids(clerks[0])

    def reopen(until: date) -> Act:
        return lambda s: evaluations.reopen(s, mentor_id=who["李明教授"], window="initial", year=2026,
                                            opens=date(2026, 11, 20), closes=until, now=clock.now())

    await at_once(clerks, reopen(date(2026, 11, 27)), reopen(date(2026, 12, 4)))
    async with clerks[0]() as session:
        found = (await session.execute(select(WindowOverride))).scalars().all()
    assert [(o.mentor_id, o.closes) for o in found] == [(who["李明教授"], date(2026, 12, 4))]


async def test_two_clerks_recording_the_first_result_keep_one_row(clerks, clock):
    who = await ids(clerks[0])

    def record(outcome: Outcome) -> Act:
        return lambda s: annual.record_result(
            s, student_id=who["王小明"], year=2026, ratings={d: Rating.GOOD for d in Dimension}, outcome=outcome,
            international=False, note="", office_id=who["王主任"], now=clock.now())

    await at_once(clerks, record(Outcome.QUALIFIED), record(Outcome.EXCELLENT))
    async with clerks[0]() as session:
        found = (await session.execute(select(AnnualResult))).scalars().all()
    assert [(r.student_id, r.outcome) for r in found] == [(who["王小明"], Outcome.EXCELLENT.value)]
