"""A student answers an invitation at the moment the mentor cancels or moves the session (issue 11, defect 1).

Two bot workers, each with its own connections on PostgreSQL. One of them reads first and then waits
until the other has finished (races.Turn), so the other's cancellation or move is committed between the
first one's read and its write, unless a lock holds it back. Whatever the order, the story stays whole:
- cancelled: the student is told it worked only for an answer given before the cancellation (and then
  hears of the cancellation once); otherwise they are told it was cancelled, and nothing is recorded;
- moved: an answer given for the old time never counts for the new one; the student is asked again.
On SQLite the workers share its single connection, which queues them: the same stories hold there.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from storage import sessions as training
from storage.db import create_engine, session_factory
from storage.models import OutboxMessage, Person, SessionInvitee, TrainingSession
from tests.conftest import at
from tests.helpers import import_roster, joined, make_engine, make_services
from tests.security.races import Turn, wait_only_where_it_can_race

BROKE = "出了点问题"
COMING = "你的回复：✅ 参加"


@pytest.fixture
async def pair(database_url, clock, calendar, monkeypatch):
    """Two workers: on PostgreSQL with separate pools; on SQLite sharing the single connection."""
    wait_only_where_it_can_race(monkeypatch, database_url)
    clock.set(at("2026-12-01 10:00"))
    first = create_engine(database_url)
    second = create_engine(database_url) if database_url.startswith("postgresql") else first
    one = make_services(session_factory(first), clock, calendar)
    other = make_services(session_factory(second), clock, calendar)
    await import_roster(one)
    yield (make_engine(one), one), (make_engine(other), other)
    await first.dispose()
    await second.dispose()


async def a_session_with_an_invitation(pair):  # noqa: ANN001, ANN201
    """李明教授 (on one worker) schedules a session for 12-05 15:00; 王小明 (on the other) holds the invitation."""
    (student_engine, services), (mentor_engine, _) = pair
    mentor = await joined(mentor_engine, services, "李明教授", 2001)
    wang = await joined(student_engine, services, "王小明", 1001)
    await mentor.send("/schedule")
    for text in ("12月5日 下午3点到5点", "物理楼 302", "开题讨论"):
        await mentor.send(text)
    await mentor.press("全选")
    await mentor.press("完成")
    await mentor.press("安排并通知")
    will_come = (await inbox(services, "王小明"))[0].buttons[0][0][1]
    await mentor.send("/agenda")
    return services, mentor, wang, will_come


async def inbox(services, name: str) -> list[OutboxMessage]:  # noqa: ANN001
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == person.id)
                                           .order_by(OutboxMessage.id))).scalars())


async def stored(services) -> tuple[TrainingSession, SessionInvitee]:  # noqa: ANN001
    async with services.sessions() as session:
        found = (await session.execute(select(TrainingSession))).scalar_one()
        wang = (await session.execute(select(SessionInvitee).join(Person, Person.id == SessionInvitee.student_id)
                                      .where(Person.name == "王小明"))).scalar_one()
        return found, wang


def said(screens: list) -> str:
    return "\n".join(s.text for s in screens)


def race(monkeypatch, pair, first: str) -> Turn:  # noqa: ANN001
    """Who reads first: the student (their invitation) or the mentor (their session, locked for the change).

    A minute passes once the other has finished, so what the first one writes afterwards is stamped later.
    """
    (_, services), _ = pair
    turn = Turn()
    turn.after(monkeypatch, training, "invitation" if first == "student" else "own_session")
    turn.on_done.append(lambda: services.clock.advance(timedelta(minutes=1)))
    return turn


@pytest.mark.parametrize("first", ["student", "mentor"])
async def test_an_answer_and_the_mentors_cancellation_at_once(pair, monkeypatch, first):
    services, mentor, wang, will_come = await a_session_with_an_invitation(pair)
    await mentor.press("取消 #1")
    turn = race(monkeypatch, pair, first)
    if first == "student":
        answered, cancelled = await asyncio.gather(wang.press(payload=will_come), turn.then(mentor.press("确认取消")))
    else:
        cancelled, answered = await asyncio.gather(mentor.press("确认取消"), turn.then(wang.press(payload=will_come)))
    found, invitee = await stored(services)
    assert found.cancelled_at is not None and "已取消“开题讨论”" in said(cancelled), said(cancelled)
    assert BROKE not in said(answered) + said(cancelled)
    if COMING in said(answered):  # the answer came first: it was recorded before the cancellation, not after
        assert invitee.attending is True and invitee.answered_at <= found.cancelled_at, (invitee.answered_at,
                                                                                         found.cancelled_at)
    else:  # the cancellation came first: said plainly, and nothing recorded for a session that is off
        assert "已被导师取消" in said(answered) and invitee.attending is None, said(answered)
    told = [m.text for m in await inbox(services, "王小明") if m.kind == "session_changed"]
    assert len(told) == 1 and "取消了" in told[0], told  # told once that it is off, never anything else


@pytest.mark.parametrize("first", ["student", "mentor"])
async def test_an_answer_and_the_mentors_move_to_a_new_time_at_once(pair, monkeypatch, first):
    services, mentor, wang, will_come = await a_session_with_an_invitation(pair)
    await mentor.press("改时间 #1")
    await mentor.send("下周三下午3点")
    turn = race(monkeypatch, pair, first)
    if first == "student":
        answered, moved = await asyncio.gather(wang.press(payload=will_come), turn.then(mentor.press("确认改时间")))
    else:
        moved, answered = await asyncio.gather(mentor.press("确认改时间"), turn.then(wang.press(payload=will_come)))
    found, invitee = await stored(services)
    assert found.starts_at == at("2026-12-09 15:00") and "已把“开题讨论”改到" in said(moved), said(moved)
    assert BROKE not in said(answered) + said(moved)
    assert invitee.attending is None, "an answer given for 12-05 never counts for 12-09: everyone is asked again"
    if COMING in said(answered):  # the answer came first, for the old time; the move then asked again
        assert "12月5日" in said(answered)
    else:  # the move came first: the student sees the new time and answers for it
        assert "重新回复" in said(answered) and "12月9日" in said(answered), said(answered)
    asked = [m.text for m in await inbox(services, "王小明") if m.kind == "session_changed"]
    assert len(asked) == 1 and "12月9日" in asked[0], asked
