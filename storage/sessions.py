"""Scheduled training sessions: who was invited, who answered, which still need a log."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GrowthLog, SessionInvitee, TrainingSession


async def schedule(session: AsyncSession, *, mentor_id: int, starts_at: datetime, ends_at: datetime, place: str,
                   topic: str, student_ids: Sequence[int], now: datetime) -> TrainingSession:
    training = TrainingSession(mentor_id=mentor_id, starts_at=starts_at, ends_at=ends_at, place=place, topic=topic,
                               created_at=now)
    session.add(training)
    await session.flush()
    session.add_all(SessionInvitee(session_id=training.id, student_id=sid) for sid in student_ids)
    await session.flush()
    return training


async def invitation(session: AsyncSession, session_id: int, student_id: int) -> TrainingSession | None:
    """The session only if this student was invited to it."""
    result = await session.execute(
        select(TrainingSession).join(SessionInvitee, SessionInvitee.session_id == TrainingSession.id)
        .where(TrainingSession.id == session_id, SessionInvitee.student_id == student_id,
               TrainingSession.cancelled_at.is_(None)))
    return result.scalar_one_or_none()


async def answer_invitation(session: AsyncSession, session_id: int, student_id: int, attending: bool,
                            now: datetime) -> TrainingSession | None:
    """Records a yes or no in one conditional update; None when not invited or the session was cancelled.

    The check and the write are one statement, so a cancellation committed a moment earlier is respected.
    """
    live = exists().where(TrainingSession.id == session_id, TrainingSession.cancelled_at.is_(None))
    result = await session.execute(
        update(SessionInvitee).where(SessionInvitee.session_id == session_id, SessionInvitee.student_id == student_id,
                                     live)
        .values(attending=attending, answered_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return await session.get(TrainingSession, session_id)


def _unlogged(student_id: int):  # noqa: ANN202 - a SQL condition
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
