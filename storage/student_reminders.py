"""The sweeps of students' reminders: one INSERT … SELECT per rule, never a query per student."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, distinct, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from program.annual import MaterialKind
from program.growth_log import LogStatus
from program.occasions import EveningBucket, Occasion
from program.reminders import ReminderConfig, Rule
from program.roles import Role
from storage.models import (
    Account,
    AnnualMaterial,
    GrowthLog,
    OutboxMessage,
    Person,
    SessionInvitee,
    TrainingSession,
)
from storage.sqltime import epoch, shifted
from storage.sweeps import (
    confirmed_sessions,
    first_swept,
    insert,
    insert_occasion,
    joined,
    key,
    moment,
    not_muted,
    reachable,
    values,
)


def _unlogged() -> ColumnElement[bool]:  # the invited student has not logged this session yet
    return ~exists().where(GrowthLog.session_id == TrainingSession.id,
                           GrowthLog.student_id == SessionInvitee.student_id)


def _invited(rule: Rule) -> Select[Any]:  # the invitees still owing a log, as a query to add columns to
    student = SessionInvitee.student_id
    return reachable(select().select_from(SessionInvitee), student, Role.STUDENT) \
        .join(TrainingSession, TrainingSession.id == SessionInvitee.session_id) \
        .where(TrainingSession.cancelled_at.is_(None),
               or_(SessionInvitee.attending.is_(None), SessionInvitee.attending.is_(True)),
               _unlogged(), not_muted(student, rule))


async def session_log(session: AsyncSession, config: ReminderConfig, now: datetime) -> int:
    """"Log it" a few hours after a session ends; later than the lateness limit it is recorded as missed."""
    after, late = config.session_log_after, config.session_log_late
    ends, student = TrainingSession.ends_at, SessionInvitee.student_id
    rule = Rule.SESSION_LOG
    query = _invited(rule).where(ends <= now - after, ends > now - after - late - config.record_missed) \
        .add_columns(*values(student, rule, key(student, rule, TrainingSession.id), shifted(ends, after),
                             shifted(ends, after + late),
                             case((ends > now - after - late, literal("pending")), else_=literal("missed")), now,
                             subject=TrainingSession.id))
    return await insert(session, query)


async def session_log_evening(session: AsyncSession, buckets: list[EveningBucket], now: datetime) -> int:
    """Once more the evening after, if still not logged; the session's day decides which evening."""
    if not buckets:
        return 0
    ends, student = TrainingSession.ends_at, SessionInvitee.student_id
    rule = Rule.SESSION_LOG_EVENING

    def by_day(pick: Callable[[EveningBucket], ColumnElement[Any]]) -> ColumnElement[Any]:
        # a CASE choosing the bucket of the session's day, newest first
        return case(*((ends >= bucket.starts, pick(bucket)) for bucket in buckets))

    query = _invited(rule).where(ends >= buckets[-1].starts, ends < buckets[0].ends) \
        .add_columns(*values(student, rule, key(student, rule, TrainingSession.id), by_day(lambda b: moment(b.due)),
                             by_day(lambda b: moment(b.expires)),
                             by_day(lambda b: literal("pending" if now < b.expires else "missed")), now,
                             subject=TrainingSession.id))
    return await insert(session, query)


async def returned_log(session: AsyncSession, config: ReminderConfig, edit_days: int, now: datetime) -> int:
    """A log the teacher sent back and the student has not fixed, while it can still be changed."""
    after, editable = config.returned_log_after, timedelta(days=edit_days)
    if editable <= after:
        return 0  # it could no longer be fixed by the time the reminder is due
    reviewed, student, rule = GrowthLog.reviewed_at, GrowthLog.student_id, Rule.RETURNED_LOG
    query = reachable(select().select_from(GrowthLog), student, Role.STUDENT) \
        .where(GrowthLog.status == LogStatus.REJECTED.value, reviewed <= now - after,
               reviewed > now - editable - config.record_missed, not_muted(student, rule)) \
        .add_columns(*values(student, rule, key(student, rule, GrowthLog.id, epoch(reviewed)), shifted(reviewed, after),
                             shifted(reviewed, editable),
                             case((reviewed > now - editable, literal("pending")), else_=literal("missed")), now,
                             subject=GrowthLog.id))
    return await insert(session, query)


def _students(rule: Rule) -> Select[Any]:  # active students who joined and did not mute the rule
    return reachable(select().select_from(Person), Person.id, Role.STUDENT).where(not_muted(Person.id, rule))


async def deadline(session: AsyncSession, occasion: Occasion, owes: ColumnElement[bool], now: datetime) -> int:
    """7, 3 and 1 days before a deadline, to the students who still owe it (`owes`, see below)."""
    return await insert_occasion(session, _students(occasion.rule).where(owes), occasion, now)


def fewer_sessions(training: tuple[date, date], required: int) -> ColumnElement[bool]:
    """The end of training is owed while fewer than the required sessions are confirmed."""
    return confirmed_sessions(Person.id, *training) < required


def materials_missing(year: int) -> ColumnElement[bool]:
    """Annual materials are owed until a file of every kind was handed in (and not taken back)."""
    handed_in = select(func.count(distinct(AnnualMaterial.kind))).where(
        AnnualMaterial.student_id == Person.id, AnnualMaterial.program_year == year,
        AnnualMaterial.removed_at.is_(None)).correlate(Person).scalar_subquery()
    return handed_in < len(MaterialKind)


async def behind_pace(session: AsyncSession, occasion: Occasion, training: tuple[date, date], expected: int,
                      now: datetime) -> int:
    """One private note a month to students behind the even pace to the required sessions."""
    if expected <= 0:
        return 0
    query = _students(occasion.rule).where(confirmed_sessions(Person.id, *training) < expected)
    return await insert_occasion(session, query, occasion, now)


async def idle(session: AsyncSession, idle_days: int, now: datetime, today: str) -> int:
    """No growth log for a month: one gentle nudge per quiet spell, and never two within a month.

    Decided once a day, at the first daytime sweep (`today` is the occasion); a late joiner cannot be idle.
    """
    rule, quiet = Rule.IDLE, now - timedelta(days=idle_days)
    if await first_swept(session, rule, today) is not None:
        return 0
    last = select(func.max(GrowthLog.submitted_at)).where(GrowthLog.student_id == Person.id) \
        .correlate(Person).scalar_subquery()
    # "No log since `quiet`" as NOT EXISTS, not as a test on `last`: PostgreSQL can run it as one anti-join
    # instead of a subquery per student; `last` is computed only for the few it selects (their key).
    query = _students(rule).where(
        joined(Account.bound_at < quiet),
        ~exists().where(GrowthLog.student_id == Person.id, GrowthLog.submitted_at >= quiet),
        ~exists().where(OutboxMessage.person_id == Person.id, OutboxMessage.kind == rule.value,
                        OutboxMessage.created_at > quiet)) \
        .add_columns(*values(Person.id, rule, key(Person.id, rule, func.coalesce(epoch(last), 0)), moment(now),
                             moment(None), literal("pending"), now, occasion=today))
    return await insert(session, query)
