"""Scheduled training sessions: who was invited, who answered, which still need a log."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GrowthLog, SessionInvitee, TrainingSession
from storage.plumbing import rows_written


async def schedule(session: AsyncSession, *, mentor_id: int, starts_at: datetime, ends_at: datetime, place: str,
                   topic: str, student_ids: Sequence[int], now: datetime) -> TrainingSession:
    training = TrainingSession(mentor_id=mentor_id, starts_at=starts_at, ends_at=ends_at, place=place, topic=topic,
                               created_at=now)
    session.add(training)
    await session.flush()
    session.add_all(SessionInvitee(session_id=training.id, student_id=sid) for sid in student_ids)
    await session.flush()
    return training


async def invitation(session: AsyncSession, session_id: int, student_id: int, *, answering: bool = False,
                     cancelled: bool = False) -> TrainingSession | None:
    """The session only if this student was invited to it; cancelled ones too when `cancelled` (so the student
    can be told it was called off, which says nothing they were not told already).

    `answering` also share-locks the session's row until the answer is written: the mentor's cancel or
    move (which lock it for update) waits for the answer, or the answer waits and then sees the change.
    """
    statement = (select(TrainingSession).join(SessionInvitee, SessionInvitee.session_id == TrainingSession.id)
                 .where(TrainingSession.id == session_id, SessionInvitee.student_id == student_id))
    if answering:
        statement = statement.with_for_update(read=True, of=TrainingSession)
    if not cancelled:
        statement = statement.where(TrainingSession.cancelled_at.is_(None))
    return (await session.execute(statement)).scalar_one_or_none()


async def answer_invitation(session: AsyncSession, session_id: int, student_id: int, attending: bool,
                            now: datetime) -> TrainingSession | None:
    """Records a yes or no in one conditional update; None when not invited, cancelled, or already begun.

    The check and the write are one statement, so a cancellation committed a moment earlier is respected.
    """
    live = exists().where(TrainingSession.id == session_id, TrainingSession.cancelled_at.is_(None),
                          TrainingSession.starts_at > now)
    answered = await rows_written(session, update(SessionInvitee).where(
        SessionInvitee.session_id == session_id, SessionInvitee.student_id == student_id, live)
        .values(attending=attending, answered_at=now).execution_options(synchronize_session=False))
    if answered != 1:
        return None
    return await session.get(TrainingSession, session_id)


def _unlogged(student_id: int) -> ColumnElement[bool]:  # a SQL condition
    return ~exists().where(and_(GrowthLog.session_id == TrainingSession.id, GrowthLog.student_id == student_id))


async def sessions_to_log(session: AsyncSession, student_id: int, now: datetime, days: int,
                          ) -> Sequence[TrainingSession]:
    """Sessions the student was invited to, already held in the last `days` days, not logged yet."""
    result = await session.execute(
        select(TrainingSession).join(SessionInvitee, SessionInvitee.session_id == TrainingSession.id)
        .where(SessionInvitee.student_id == student_id, SessionInvitee.attending.is_not(False),
               TrainingSession.cancelled_at.is_(None),
               TrainingSession.starts_at <= now, TrainingSession.starts_at >= now - timedelta(days=days),
               _unlogged(student_id))
        .order_by(TrainingSession.starts_at.desc()))
    return result.scalars().all()


async def upcoming_for_mentor(session: AsyncSession, mentor_id: int, now: datetime,
                              ) -> list[tuple[TrainingSession, int, int, int]]:
    """Coming sessions with how many said yes, no, and nothing yet (one statement)."""
    from sqlalchemy import case, func

    yes = func.sum(case((SessionInvitee.attending.is_(True), 1), else_=0))
    no = func.sum(case((SessionInvitee.attending.is_(False), 1), else_=0))
    waiting = func.sum(case((SessionInvitee.attending.is_(None), 1), else_=0))
    result = await session.execute(
        select(TrainingSession, yes, no, waiting).join(SessionInvitee, SessionInvitee.session_id == TrainingSession.id)
        .where(TrainingSession.mentor_id == mentor_id, TrainingSession.cancelled_at.is_(None),
               TrainingSession.starts_at > now)
        .group_by(TrainingSession.id).order_by(TrainingSession.starts_at))
    return [(s, int(y or 0), int(n or 0), int(w or 0)) for s, y, n, w in result.all()]


async def upcoming_for_student(session: AsyncSession, student_id: int, now: datetime,
                               ) -> list[tuple[TrainingSession, bool | None, str]]:
    """Coming sessions this student is invited to, with their answer and the mentor's name (one statement)."""
    from storage.models import Person

    result = await session.execute(
        select(TrainingSession, SessionInvitee.attending, Person.name)
        .join(SessionInvitee, SessionInvitee.session_id == TrainingSession.id)
        .join(Person, Person.id == TrainingSession.mentor_id)
        .where(SessionInvitee.student_id == student_id, TrainingSession.cancelled_at.is_(None),
               TrainingSession.starts_at > now)
        .order_by(TrainingSession.starts_at))
    return [(s, attending, name) for s, attending, name in result.all()]


async def own_session(session: AsyncSession, session_id: int, mentor_id: int, *, for_update: bool = False,
                      ) -> TrainingSession | None:
    """A session of this mentor's, not cancelled."""
    statement = select(TrainingSession).where(TrainingSession.id == session_id, TrainingSession.mentor_id == mentor_id,
                                              TrainingSession.cancelled_at.is_(None))
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def invitees(session: AsyncSession, session_id: int) -> list[tuple[int, str, bool | None]]:
    """(student id, name, answer) of everyone invited, by name."""
    return (await invitees_of(session, [session_id]))[session_id]


async def invitees_of(session: AsyncSession, session_ids: Sequence[int],
                      ) -> dict[int, list[tuple[int, str, bool | None]]]:
    """Each session's invitees as `invitees` gives them, for a list of sessions in one statement."""
    from storage.models import Person

    found: dict[int, list[tuple[int, str, bool | None]]] = {sid: [] for sid in session_ids}
    if not session_ids:
        return found
    result = await session.execute(
        select(SessionInvitee.session_id, SessionInvitee.student_id, Person.name, SessionInvitee.attending)
        .join(Person, Person.id == SessionInvitee.student_id)
        .where(SessionInvitee.session_id.in_(list(session_ids))).order_by(Person.name))
    for session_id, student_id, name, attending in result.all():
        found[session_id].append((student_id, name, attending))
    return found


async def cancel(session: AsyncSession, training: TrainingSession, now: datetime) -> None:
    training.cancelled_at = now


async def move(session: AsyncSession, training: TrainingSession, starts_at: datetime, ends_at: datetime) -> None:
    """A new time: everyone's earlier answer was about the old one, so each is asked again."""
    training.starts_at, training.ends_at = starts_at, ends_at
    await session.execute(update(SessionInvitee).where(SessionInvitee.session_id == training.id)
                          .values(attending=None, answered_at=None).execution_options(synchronize_session=False))


async def answer_of(session: AsyncSession, session_id: int, student_id: int) -> bool | None:
    result = await session.execute(select(SessionInvitee.attending).where(
        SessionInvitee.session_id == session_id, SessionInvitee.student_id == student_id))
    return result.scalar_one_or_none()
