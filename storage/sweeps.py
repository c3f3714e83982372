"""The parts every reminder sweep is made of: who can be reminded, mutes, keys, and the one INSERT … SELECT."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    null,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from program.growth_log import LogStatus
from program.occasions import MISSED, Occasion
from program.reminders import RULE_CATEGORY, Category, Rule, priority_of
from program.roles import Role
from storage.logs import SHARED
from storage.models import Account, GrowthLog, MutedReminder, OutboxMessage, Person, PersonRole, UTCDateTime
from storage.plumbing import rows_written, upsert

DECIDED_MARGIN = timedelta(minutes=10)
COLUMNS = ("person_id", "kind", "dedupe_key", "due_at", "expires_at", "status", "priority", "subject_id", "occasion",
           "created_at")


def moment(value: datetime | None) -> ColumnElement[Any]:
    """A moment as a typed bound value (PostgreSQL needs the type inside INSERT … SELECT)."""
    return literal(value, UTCDateTime())


def key(person: ColumnExpressionArgument[Any], rule: Rule,
        *occasion: ColumnExpressionArgument[Any] | str) -> ColumnElement[Any]:
    """The dedupe key (person, rule, occasion): "42:deadline:training_end:2027-12-31:7"."""
    parts: list[ColumnElement[Any]] = [cast(person, String), literal(f":{rule.value}")]
    for part in occasion:
        parts += [literal(":"), literal(part) if isinstance(part, str) else cast(part, String)]
    expression = parts[0]
    for part in parts[1:]:
        expression = expression + part
    return expression


def reachable(query: Select[Any], person: Any, role: Role) -> Select[Any]:
    """People of a role who joined the bot (blocked ones too: their reminders wait, see the outbox) and are in.

    `query` selects from the people table itself, or from a table whose `person` column points at it.
    """
    if person is not Person.id:
        query = query.join(Person, Person.id == person)
    return (query.join(PersonRole, and_(PersonRole.person_id == Person.id, PersonRole.role == role.value))
            .where(Person.exited_at.is_(None), joined()))


def joined(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The person has an account (on any channel) that meets `conditions`; one row per person, however many."""
    return exists().where(Account.person_id == Person.id, *conditions)


def not_muted(person: Any, rule: Rule) -> ColumnElement[bool]:
    category: Category | None = RULE_CATEGORY[rule]
    if category is None:
        return literal(True)
    return ~exists().where(MutedReminder.person_id == person, MutedReminder.category == category.value)


def values(person: Any, rule: Rule, dedupe: ColumnElement[Any], due: Any, expires: Any, status: Any, now: datetime,
           *, subject: Any = None, occasion: ColumnElement[Any] | str | None = None) -> list[Any]:
    """The selected columns, in the order of COLUMNS."""
    return [person, literal(rule.value), dedupe, due, expires, status, literal(priority_of(rule)),
            subject if subject is not None else cast(null(), Integer),
            occasion if isinstance(occasion, ColumnElement) else literal(occasion, String), moment(now)]


def joined_in_time(occasion: Occasion) -> ColumnElement[bool]:
    """Only people who had joined while the occasion was worth sending (a late joiner missed nothing)."""
    return joined(Account.bound_at < moment(occasion.expires))


async def first_swept(session: AsyncSession, rule: Rule, tag: str) -> datetime | None:
    """When a sweep first wrote this occasion for anyone (None: not yet); one index lookup."""
    return (await session.execute(select(func.min(OutboxMessage.created_at)).where(
        OutboxMessage.kind == rule.value, OutboxMessage.occasion == tag))).scalar_one()


def joined_since(first: datetime) -> ColumnElement[bool]:
    """After an occasion's first sweep decided about everyone, later sweeps only look at people who joined since
    (with a margin for someone whose joining was not yet committed when that sweep ran).

    As `id IN (…)`, so the few who joined drive the query: SQLite tests its WHERE terms in the order written and
    would otherwise count every student's sessions before looking at when they joined."""
    return Person.id.in_(select(Account.person_id).where(Account.bound_at >= moment(first - DECIDED_MARGIN)))


def occasion_values(person: Any, occasion: Occasion, now: datetime) -> list[Any]:
    """Columns of a reminder whose occasion is the same for everyone the query selects."""
    return values(person, occasion.rule, key(person, occasion.rule, occasion.tag), moment(occasion.due),
                  moment(occasion.expires), literal(occasion.status(now)), now, occasion=occasion.tag)


async def insert_occasion(session: AsyncSession, query: Select[Any], occasion: Occasion, now: datetime) -> int:
    """A reminder the same for everyone `query` selects from the people table.

    The first sweep of an occasion decides about everyone; later ones only about people who joined since,
    so the sweep every few minutes stays cheap however big the program is. An expired occasion that no
    sweep wrote in time (the bot was down) is recorded as missed, once.
    """
    first = await first_swept(session, occasion.rule, occasion.tag)
    if first is not None:
        if occasion.status(now) == MISSED:
            return 0
        query = query.where(joined_since(first))
    return await insert(session, query.where(joined_in_time(occasion))
                        .add_columns(*occasion_values(Person.id, occasion, now)))


async def insert(session: AsyncSession, query: Select[Any]) -> int:
    """One statement: every selected reminder is written unless its key is already there (any process, any time)."""
    statement = upsert(session, OutboxMessage).from_select(list(COLUMNS), query) \
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    return await rows_written(session, statement)


def confirmed_sessions(student: Any, first: date, last: date) -> ColumnElement[int]:
    """Sessions that count for a student, as program.sessions.count_sessions counts them, inside the query."""
    one = case((GrowthLog.session_id.is_not(None), literal("s") + cast(GrowthLog.session_id, String)),
               else_=GrowthLog.kind + cast(GrowthLog.activity_date, String))
    return (select(func.count(distinct(one)))
            .where(GrowthLog.student_id == student, GrowthLog.status == LogStatus.CONFIRMED.value,
                   SHARED, GrowthLog.activity_date.between(first, last))
            .scalar_subquery())
