"""Rows of the export about people and what they did: people, sessions, growth logs and progress."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, AsyncIterator, Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from program.growth_log import ACTIVITY_LABELS, ActivityKind
from program.i18n import Translator
from program.roles import ROLE_LABELS, Role
from program.sessions import progress_of
from storage.logs import SHARED
from storage.models import (
    Account,
    GrowthLog,
    LogAttachment,
    Person,
    PersonRole,
    School,
    SessionInvitee,
    Supervision,
    TrainingSession,
)

CHUNK = 2000  # rows fetched per statement: keyset pages keep memory flat however large the table


@dataclass(frozen=True)
class ExportFilter:
    year: int
    first: date  # activity dates (logs, sessions) from…
    last: date  # …to, inclusive
    zone: tzinfo
    school: str | None = None
    subject: str | None = None

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    @property
    def narrowed(self) -> bool:
        return bool(self.school or self.subject)


def students_query(f: ExportFilter) -> Select[Any]:  # a Select of the students the export covers
    query = select(Person.id).join(PersonRole, PersonRole.person_id == Person.id).where(
        PersonRole.role == Role.STUDENT.value)
    if f.school:
        query = query.join(School, School.id == Person.school_id).where(School.name == f.school)
    if f.subject:
        query = query.where(Person.subject == f.subject)
    return query


class Names:
    """Names of the staff and of the covered students, looked up by id (staff are few; students once each)."""

    def __init__(self) -> None:
        self.by_id: dict[int, str] = {}
        self.mentors: dict[int, list[int]] = {}
        self.teachers: dict[int, list[int]] = {}

    async def load(self, session: AsyncSession) -> Names:
        staff = select(PersonRole.person_id).where(PersonRole.role != Role.STUDENT.value)
        self.by_id = dict((await session.execute(select(Person.id, Person.name).where(Person.id.in_(staff)))).all())
        for student_id, supervisor_id, relation in await session.execute(
                select(Supervision.student_id, Supervision.supervisor_id, Supervision.relation)):
            (self.mentors if relation == "mentor" else self.teachers).setdefault(student_id, []).append(supervisor_id)
        return self

    def of(self, ids: Sequence[int] | None) -> str:
        return "、".join(sorted(self.by_id.get(i, "?") for i in ids or ()))


async def _pages(session: AsyncSession, query: Any, key: Any) -> AsyncIterator[Sequence[Any]]:
    """Runs `query` page by page in `key` order (keyset pagination: no OFFSET, constant cost per page)."""
    last: Any = None
    while True:
        page = query if last is None else query.where(key > last)
        rows = (await session.execute(page.order_by(key).limit(CHUNK))).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


async def people_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names,
                      ) -> AsyncIterator[list[Any]]:
    query = (select(Person.id, Person.name, School.name, Person.subject, Person.grade, Account.bound_at,
                    Person.exited_at, Person.exit_reason, Person.alumni_at)
             .join(School, School.id == Person.school_id).outerjoin(Account, Account.person_id == Person.id))
    if f.narrowed:  # the covered students, and the staff who supervise them
        covered = students_query(f)
        supervisors = select(Supervision.supervisor_id).where(Supervision.student_id.in_(covered))
        query = query.where(Person.id.in_(covered) | Person.id.in_(supervisors))
    async for page in _pages(session, query, Person.id):
        roles: dict[int, list[str]] = {}
        for pid, role in await session.execute(select(PersonRole.person_id, PersonRole.role)
                                               .where(PersonRole.person_id.in_([r[0] for r in page]))):
            roles.setdefault(pid, []).append(t.raw(ROLE_LABELS[Role(role)]))
        for pid, name, school, subject, grade, bound, exited, reason, alumni in page:
            yield [name, "、".join(sorted(roles.get(pid, []))), school, subject, grade,
                   names.of(names.mentors.get(pid)), names.of(names.teachers.get(pid)),
                   t.raw("Yes") if bound else t.raw("No"), bound, exited, reason, alumni]


async def session_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names,
                       ) -> AsyncIterator[list[Any]]:
    query = select(TrainingSession.id, TrainingSession.mentor_id, TrainingSession.starts_at, TrainingSession.place,
                   TrainingSession.topic, TrainingSession.cancelled_at).where(
        TrainingSession.starts_at >= f.since, TrainingSession.starts_at < f.until)
    if f.narrowed:
        query = query.where(TrainingSession.id.in_(
            select(SessionInvitee.session_id).where(SessionInvitee.student_id.in_(students_query(f)))))
    async for page in _pages(session, query, TrainingSession.id):
        invited: dict[int, list[tuple[str, bool | None]]] = {}
        for sid, name, attending in await session.execute(
                select(SessionInvitee.session_id, Person.name, SessionInvitee.attending)
                .join(Person, Person.id == SessionInvitee.student_id)
                .where(SessionInvitee.session_id.in_([r[0] for r in page])).order_by(Person.name)):
            invited.setdefault(sid, []).append((name, attending))
        for sid, mentor, starts, place, topic, cancelled in page:
            guests = invited.get(sid, [])
            yield [sid, names.of([mentor]), starts, place, topic, "、".join(n for n, _ in guests),
                   "、".join(n for n, a in guests if a), "、".join(n for n, a in guests if a is False),
                   t.raw("Yes") if cancelled else ""]


async def log_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names) -> AsyncIterator[list[Any]]:
    from program.growth_log import LogStatus
    from program.report import LOG_STATUS_LABELS

    g = GrowthLog
    query = (select(g.id, Person.name, School.name, Person.subject, g.activity_date, g.kind, g.hours, g.did, g.learned,
                    g.next_steps, g.status, g.reviewed_by, g.reviewed_at, g.reject_reason, g.submitted_at, g.updated_at,
                    g.platform_submitted_at)
             .join(Person, Person.id == g.student_id).join(School, School.id == Person.school_id)
             .where(g.activity_date.between(f.first, f.last), SHARED))  # a diary entry is the student's alone
    if f.narrowed:
        query = query.where(g.student_id.in_(students_query(f)))
    async for page in _pages(session, query, g.id):
        files: dict[int, list[str]] = {}
        for log_id, kind, name in await session.execute(
                select(LogAttachment.log_id, LogAttachment.kind, LogAttachment.file_name)
                .where(LogAttachment.log_id.in_([r[0] for r in page])).order_by(LogAttachment.position)):
            files.setdefault(log_id, []).append(name or (t.raw("photo") if kind == "photo" else t.raw("file")))
        for (log_id, student, school, subject, day, kind, hours, did, learned, next_steps, status, reviewer,
             reviewed_at, reason, submitted_at, updated_at, platform_at) in page:
            yield [log_id, student, school, subject, day, t.raw(ACTIVITY_LABELS[ActivityKind(kind)]), hours, did,
                   learned, next_steps, "、".join(files.get(log_id, [])), t.raw(LOG_STATUS_LABELS[LogStatus(status)]),
                   names.by_id.get(reviewer or 0), reviewed_at, reason, submitted_at, updated_at, platform_at]


async def progress_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names, *, today: date,
                        facts: Any) -> AsyncIterator[list[Any]]:
    """One row per student: sessions, logs, evaluations, materials, plan and result (facts: per-page extras)."""
    from storage import logs

    query = (select(Person.id, Person.name, School.name, Person.subject, Person.exited_at)
             .join(School, School.id == Person.school_id).where(Person.id.in_(students_query(f))))
    async for page in _pages(session, query, Person.id):
        ids = [r[0] for r in page]
        found = await logs.activities(session, ids, f.first, f.last, shared_only=True)
        extra = await facts(session, ids)
        for pid, name, school, subject, exited in page:
            progress = progress_of(found[pid], today)
            yield [name, school, subject, names.of(names.mentors.get(pid)), names.of(names.teachers.get(pid)),
                   progress.confirmed, progress.pending, progress.logs, progress.last_activity,
                   *extra(pid), exited]
