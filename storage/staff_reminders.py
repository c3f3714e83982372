"""The sweeps of mentors', teachers' and the office's reminders: one INSERT … SELECT per rule."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Exists, Select, String, and_, case, cast, exists, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from program.evaluations import EvaluationKind, EvaluationStatus, OpenWindow
from program.growth_log import LogStatus
from program.occasions import Occasion
from program.reminders import Rule
from program.roles import Role
from storage.logs import SHARED
from storage.models import Evaluation, GrowthLog, Person, PersonRole, Supervision, WindowOverride
from storage.sqltime import days_between
from storage.sweeps import (
    confirmed_sessions,
    insert,
    insert_occasion,
    key,
    moment,
    not_muted,
    reachable,
    values,
)


def _staff(role: Role, rule: Rule) -> Select[Any]:  # who holds the role, joined, and did not mute the rule
    return reachable(select().select_from(Person), Person.id, role).where(not_muted(Person.id, rule))


def _has_students() -> Exists:  # a SQL condition on a mentor (Person)
    student = aliased(Person)
    return exists().where(Supervision.supervisor_id == Person.id, Supervision.relation == "mentor",
                          student.id == Supervision.student_id, student.exited_at.is_(None))


def _owes_evaluations(kind: EvaluationKind, year: int) -> Exists:  # a SQL condition on a mentor (Person)
    """A student of theirs, still in the program, without a submitted evaluation of this kind and year."""
    student = aliased(Person)
    submitted = exists().where(Evaluation.student_id == Supervision.student_id, Evaluation.kind == kind.value,
                               Evaluation.program_year == year,
                               Evaluation.status == EvaluationStatus.SUBMITTED.value)
    return exists().where(Supervision.supervisor_id == Person.id, Supervision.relation == "mentor",
                          student.id == Supervision.student_id, student.exited_at.is_(None), ~submitted)


async def evaluation(session: AsyncSession, kind: EvaluationKind, window_name: str, year: int, program: OpenWindow,
                     every_days: int, today: date, now: datetime, *, last_day: bool) -> int:
    """A window's first day, then every few days until all are submitted; or (`last_day`) the notice on its last day.

    The office may have reopened the window for a mentor (`yingcai reopen`): then that mentor's own dates count.
    """
    rule = Rule.EVALUATION_LAST_DAY if last_day else Rule.EVALUATION
    override = aliased(WindowOverride)
    reopened = and_(override.opens <= today, override.closes >= today)
    opens = case((reopened, override.opens), else_=literal(program.opens))
    closes = case((reopened, override.closes), else_=literal(program.closes))
    in_window = or_(reopened, true() if program.contains(today) else literal(False))
    step = literal("last") if last_day else cast(days_between(opens, literal(today)) // every_days, String)
    tag = literal(f"{kind.value}:{year}:") + cast(opens, String) + literal(":") + step  # see program.occasions
    query = _staff(Role.MENTOR, rule) \
        .outerjoin(override, and_(override.mentor_id == Person.id, override.window == window_name,
                                  override.program_year == year)) \
        .where(in_window, closes == today if last_day else closes > today, _owes_evaluations(kind, year)) \
        .add_columns(*values(Person.id, rule, key(Person.id, rule, tag), moment(now), moment(None), literal("pending"),
                             now, occasion=tag))
    return await insert(session, query)


async def mentor_summary(session: AsyncSession, occasion: Occasion, now: datetime) -> int:
    """Monthly, to every mentor with students: their confirmed sessions and days since each one's last log."""
    return await insert_occasion(session, _staff(Role.MENTOR, occasion.rule).where(_has_students()), occasion, now)


async def teacher_digest(session: AsyncSession, occasion: Occasion, training: tuple[date, date], expected: int,
                         now: datetime) -> int:
    """Monday's digest to teachers whose school has logs to confirm or students behind; none in a quiet week."""
    student, role = aliased(Person), aliased(PersonRole)
    waiting = exists().where(GrowthLog.student_id == student.id, student.school_id == Person.school_id,
                             GrowthLog.student_id != Person.id,
                             GrowthLog.status == LogStatus.SUBMITTED.value, SHARED)
    behind = exists().where(student.school_id == Person.school_id, student.exited_at.is_(None),
                            role.person_id == student.id, role.role == Role.STUDENT.value,
                            confirmed_sessions(student.id, *training) < expected)
    query = _staff(Role.TEACHER, occasion.rule).where(or_(waiting, behind) if expected > 0 else waiting)
    return await insert_occasion(session, query, occasion, now)


async def office_summary(session: AsyncSession, occasion: Occasion, now: datetime) -> int:
    """Monday's summary to the office."""
    return await insert_occasion(session, _staff(Role.OFFICE, occasion.rule), occasion, now)
