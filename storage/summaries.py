"""What reminders say when they are sent: a session still to log, students still to evaluate, the office's numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from program.evaluations import EvaluationKind, EvaluationStatus
from program.growth_log import LogStatus
from program.roles import Role
from storage.logs import SHARED
from storage.models import (
    Account,
    Evaluation,
    GrowthLog,
    Person,
    PersonRole,
    SessionInvitee,
    Supervision,
    TrainingSession,
)
from storage.sweeps import confirmed_sessions


async def session_to_log(session: AsyncSession, session_id: int, student_id: int,
                         ) -> tuple[TrainingSession | None, bool]:
    """The session if the student was invited and it was not cancelled, and whether they logged it already."""
    found = (await session.execute(
        select(TrainingSession).join(SessionInvitee, SessionInvitee.session_id == TrainingSession.id)
        .where(TrainingSession.id == session_id, SessionInvitee.student_id == student_id,
               SessionInvitee.attending.is_not(False), TrainingSession.cancelled_at.is_(None)))).scalar_one_or_none()
    logged = (await session.execute(select(GrowthLog.id).where(
        GrowthLog.session_id == session_id, GrowthLog.student_id == student_id).limit(1))).first() is not None
    return found, logged


async def last_log_at(session: AsyncSession, student_id: int) -> datetime | None:
    return (await session.execute(select(func.max(GrowthLog.submitted_at))
                                  .where(GrowthLog.student_id == student_id))).scalar_one()


async def confirmed_count(session: AsyncSession, student_id: int, training: tuple[date, date]) -> int:
    return int((await session.execute(select(confirmed_sessions(student_id, *training)))).scalar_one())


async def students_to_evaluate(session: AsyncSession, mentor_id: int, kind: EvaluationKind, year: int) -> list[str]:
    """Names of the mentor's students in the program without a submitted evaluation of this kind and year."""
    submitted = exists().where(Evaluation.student_id == Person.id, Evaluation.kind == kind.value,
                               Evaluation.program_year == year, Evaluation.status == EvaluationStatus.SUBMITTED.value)
    rows = await session.execute(
        select(Person.name).join(Supervision, Supervision.student_id == Person.id)
        .where(Supervision.supervisor_id == mentor_id, Supervision.relation == "mentor", Person.exited_at.is_(None),
               ~submitted).order_by(Person.name))
    return list(rows.scalars())


@dataclass(frozen=True)
class ProgramNumbers:
    students: int
    logs: int
    waiting: int  # logs that wait for a teacher
    behind: int  # students behind the even pace
    evaluations: dict[str, int]  # submitted, by kind
    outstanding: list[tuple[str, int]]  # (mentor, evaluations still to submit) in the windows open now
    blocked: list[tuple[str, str]]  # (name, role) of people who blocked the bot
    never_joined: list[tuple[str, str]]  # (name, role) of people who never opened their invite


async def program_numbers(session: AsyncSession, year: int, training: tuple[date, date], expected: int,
                          open_kinds: list[EvaluationKind], limit: int = 50) -> ProgramNumbers:
    """The office's weekly summary in a few aggregate queries, whatever the size of the program."""
    is_student = exists().where(PersonRole.person_id == Person.id, PersonRole.role == Role.STUDENT.value)
    active = (Person.exited_at.is_(None), is_student)
    students = (await session.execute(select(func.count()).select_from(Person).where(*active))).scalar_one()
    logs = (await session.execute(select(func.count()).select_from(GrowthLog).where(  # a diary entry is not a log
        GrowthLog.activity_date.between(*training), SHARED))).scalar_one()
    waiting = (await session.execute(select(func.count()).select_from(GrowthLog).where(
        GrowthLog.status == LogStatus.SUBMITTED.value, SHARED))).scalar_one()
    behind = 0
    if expected > 0:
        behind = (await session.execute(select(func.count()).select_from(Person).where(
            *active, confirmed_sessions(Person.id, *training) < expected))).scalar_one()
    evaluations = dict((await session.execute(
        select(Evaluation.kind, func.count()).where(Evaluation.program_year == year,
                                                    Evaluation.status == EvaluationStatus.SUBMITTED.value)
        .group_by(Evaluation.kind))).all())
    outstanding: dict[str, int] = {}
    mentor, student = aliased(Person), aliased(Person)
    for kind in open_kinds:
        submitted = exists().where(Evaluation.student_id == student.id, Evaluation.kind == kind.value,
                                   Evaluation.program_year == year,
                                   Evaluation.status == EvaluationStatus.SUBMITTED.value)
        rows = await session.execute(
            select(mentor.name, func.count()).select_from(Supervision)
            .join(mentor, mentor.id == Supervision.supervisor_id).join(student, student.id == Supervision.student_id)
            .where(Supervision.relation == "mentor", student.exited_at.is_(None), ~submitted)
            .group_by(mentor.id, mentor.name))
        for name, count in rows:
            outstanding[name] = outstanding.get(name, 0) + count
    role_of = select(func.min(PersonRole.role)).where(PersonRole.person_id == Person.id).scalar_subquery()
    blocked = (await session.execute(select(Person.name, role_of).join(Account, Account.person_id == Person.id)
                                     .where(Account.unreachable_at.is_not(None)).order_by(Person.name)
                                     .limit(limit))).all()
    never = (await session.execute(select(Person.name, role_of)
                                   .where(Person.exited_at.is_(None), ~exists().where(Account.person_id == Person.id))
                                   .order_by(Person.name).limit(limit))).all()
    return ProgramNumbers(students, logs, waiting, behind, evaluations,
                          sorted(outstanding.items(), key=lambda item: (-item[1], item[0])),
                          [(n, r) for n, r in blocked], [(n, r) for n, r in never])
