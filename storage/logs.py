"""Growth log records: file, read one's own, list, change, and the facts progress is built from."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple, Sequence

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload
from sqlalchemy.orm.attributes import set_committed_value

from program.growth_log import ActivityKind, LogStatus, claims_session
from program.sessions import LoggedActivity
from storage.models import GrowthLog, LogAttachment
from storage.people import teacher_students
from storage.plumbing import rows_written

SESSION_KIND_VALUES = [k.value for k in ActivityKind if claims_session(k)]
# A kind that claims no session ("other") is the student's private diary: nobody else ever reads it.
SHARED = GrowthLog.kind.in_(SESSION_KIND_VALUES)
# What a review changes, returned by its UPDATE so the log need not be read again.
REVIEWED = (GrowthLog.status, GrowthLog.reviewed_by, GrowthLog.reviewed_at, GrowthLog.reject_reason, GrowthLog.version)


def _attachments(files: list[dict[str, Any]]) -> list[LogAttachment]:
    return [LogAttachment(position=i, kind=f["kind"], file_id=f["file_id"], file_unique_id=f.get("file_unique_id"),
                          file_name=f.get("file_name"), mime_type=f.get("mime_type"), size=f.get("size"))
            for i, f in enumerate(files)]


async def file_log(session: AsyncSession, *, student_id: int, kind: ActivityKind, activity_date: date,
                   did: str, learned: str, next_steps: str, hours: float, files: list[dict[str, Any]],
                   session_id: int | None, now: datetime) -> GrowthLog:
    log = GrowthLog(student_id=student_id, kind=kind.value, activity_date=activity_date, did=did, learned=learned,
                    next_steps=next_steps, hours=hours, session_id=session_id, status=LogStatus.SUBMITTED.value,
                    submitted_at=now, updated_at=now, attachments=_attachments(files))
    session.add(log)
    await session.flush()
    return log


async def change_log(session: AsyncSession, log: GrowthLog, *, kind: ActivityKind, activity_date: date, did: str,
                     learned: str, next_steps: str, hours: float, files: list[dict[str, Any]],
                     session_id: int | None, now: datetime) -> GrowthLog:
    """Changes a log the caller holds locked (`own_log(..., for_update=True)`); its version moves on."""
    log.kind, log.activity_date, log.did, log.learned = kind.value, activity_date, did, learned
    log.next_steps, log.hours, log.session_id, log.updated_at = next_steps, hours, session_id, now
    log.version += 1
    if log.status == LogStatus.REJECTED.value:
        log.status = LogStatus.SUBMITTED.value  # fixed and sent again to the teacher
        log.submitted_at = now
    log.attachments.clear()
    await session.flush()
    log.attachments.extend(_attachments(files))
    await session.flush()
    return log


async def own_log(session: AsyncSession, log_id: int, student_id: int, *, for_update: bool = False,
                  ) -> GrowthLog | None:
    """A log only if it belongs to this student: someone else's id reads as not found.

    `for_update` locks the row until the transaction ends (PostgreSQL) and reads its latest state, so a
    teacher's review cannot slip in between the check "still editable?" and the change.
    """
    query = select(GrowthLog).where(GrowthLog.id == log_id, GrowthLog.student_id == student_id)
    if for_update:
        query = query.with_for_update(of=GrowthLog).execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def page_of_logs(session: AsyncSession, student_id: int, offset: int, limit: int, *, shared_only: bool = False,
                       ) -> tuple[Sequence[GrowthLog], int]:
    """A page of the student's logs, newest first; `shared_only` for anyone but the student (no diary entries)."""
    where = [GrowthLog.student_id == student_id, *([SHARED] if shared_only else [])]
    total = (await session.execute(select(func.count()).select_from(GrowthLog).where(*where))).scalar_one()
    result = await session.execute(
        select(GrowthLog).where(*where)
        .order_by(GrowthLog.activity_date.desc(), GrowthLog.id.desc()).offset(offset).limit(limit))
    return result.scalars().all(), total


async def activities(session: AsyncSession, student_ids: Sequence[int], first: date, last: date, *,
                     shared_only: bool = False) -> dict[int, list[LoggedActivity]]:
    """Every student's logged activities in a period, for counting sessions (one statement).

    `shared_only` for what anyone but the student reads: a diary entry is not even counted or dated there.
    """
    found: dict[int, list[LoggedActivity]] = {sid: [] for sid in student_ids}
    if not student_ids:
        return found
    rows = await session.execute(
        select(GrowthLog.student_id, GrowthLog.status, GrowthLog.kind, GrowthLog.activity_date, GrowthLog.session_id)
        .where(GrowthLog.student_id.in_(student_ids), GrowthLog.activity_date.between(first, last),
               *([SHARED] if shared_only else [])))
    for student_id, status, kind, day, session_id in rows:
        found[student_id].append(LoggedActivity(LogStatus(status), ActivityKind(kind), day, session_id))
    return found


def needs_confirmation(kind: str) -> bool:
    return claims_session(ActivityKind(kind))


class Listed(NamedTuple):
    """A log as a teacher's list shows it: with its student's name and how many files it has."""
    log: GrowthLog
    name: str
    files: int


def _files() -> ScalarSelect[int]:
    return select(func.count(LogAttachment.id)).where(LogAttachment.log_id == GrowthLog.id) \
        .correlate(GrowthLog).scalar_subquery()


def _pending(school_id: int, reviewer_id: int) -> tuple[ColumnElement[bool], ...]:
    """Logs that claim a session and wait for this teacher: only their students (`people.teacher_students`);
    never the reviewer's own logs, whatever roles they hold."""
    from storage.models import Person

    return (GrowthLog.status == LogStatus.SUBMITTED.value, SHARED, Person.school_id == school_id,
            GrowthLog.student_id.in_(teacher_students(reviewer_id)))


def _pending_total(school_id: int, reviewer_id: int) -> Select[Any]:
    from storage.models import Person

    return select(func.count()).select_from(GrowthLog).join(Person, Person.id == GrowthLog.student_id) \
        .where(*_pending(school_id, reviewer_id))


async def pending_count(session: AsyncSession, school_id: int, *, reviewer_id: int) -> int:
    """How many logs wait for this teacher (see `pending_at_school`)."""
    return int((await session.execute(_pending_total(school_id, reviewer_id))).scalar_one())


async def pending_at_school(session: AsyncSession, school_id: int, offset: int, limit: int, *, reviewer_id: int,
                            ) -> tuple[list[Listed], int]:
    """A page of the logs waiting for this teacher, oldest first, named, and how many wait in all.

    One statement: the total rides along as a sub-select (an empty page past the first still counts apart).
    Attachments are counted, not loaded.
    """
    from storage.models import Person

    total = _pending_total(school_id, reviewer_id).scalar_subquery()
    rows = (await session.execute(
        select(GrowthLog, Person.name, _files(), total).join(Person, Person.id == GrowthLog.student_id)
        .where(*_pending(school_id, reviewer_id)).options(raiseload(GrowthLog.attachments))
        .order_by(GrowthLog.submitted_at, GrowthLog.id).offset(offset).limit(limit))).all()
    if rows:
        return [Listed(log, name, files) for log, name, files, _ in rows], rows[0][3]
    return [], 0 if offset == 0 else await pending_count(session, school_id, reviewer_id=reviewer_id)


async def logs_at_school(session: AsyncSession, log_ids: Sequence[int], school_id: int, *,
                         reviewer_id: int, with_files: bool = False,
                         pending_total: bool = False) -> tuple[list[Listed], int | None]:
    """Those of the logs this teacher (`reviewer_id`) of this school may read, named: other schools' ids, diary
    entries and students who are not theirs are left out.

    The attachments are loaded only `with_files` (else counted). With `pending_total`, how many logs wait for
    the teacher comes along in the same statement (else None): a list redrawn in one statement.
    """
    from storage.models import Person

    where = [GrowthLog.id.in_(log_ids), Person.school_id == school_id, SHARED,
             GrowthLog.student_id.in_(teacher_students(reviewer_id))]
    columns: list[Any] = [GrowthLog, Person.name, _files()]
    if pending_total:
        columns.append(_pending_total(school_id, reviewer_id).scalar_subquery())
    query = select(*columns).join(Person, Person.id == GrowthLog.student_id).where(*where) \
        .order_by(GrowthLog.submitted_at, GrowthLog.id)
    if not with_files:
        query = query.options(raiseload(GrowthLog.attachments))
    rows = (await session.execute(query)).all()
    total = None
    if pending_total:
        total = rows[0][3] if rows else await pending_count(session, school_id, reviewer_id=reviewer_id)
    return [Listed(row[0], row[1], row[2]) for row in rows], total


async def log_at_school(session: AsyncSession, log_id: int, school_id: int, *,
                        reviewer_id: int, with_files: bool = False) -> Listed | None:
    """A log, named, only if a teacher of this school may read it (see `logs_at_school`): else not found."""
    found, _ = await logs_at_school(session, [log_id], school_id, reviewer_id=reviewer_id, with_files=with_files)
    return found[0] if found else None


async def logs_of_student(session: AsyncSession, student_id: int, first: date, last: date,
                          ) -> Sequence[GrowthLog]:
    """The student's logs of a period as their mentor reads them (no diary entries)."""
    result = await session.execute(
        select(GrowthLog).where(GrowthLog.student_id == student_id, GrowthLog.activity_date.between(first, last),
                                SHARED)
        .order_by(GrowthLog.activity_date, GrowthLog.id))
    return result.scalars().all()


async def review(session: AsyncSession, log: GrowthLog, *, reviewer_id: int, version: int, confirmed: bool,
                 reason: str | None, now: datetime) -> bool:
    """Confirms or sends back the log exactly as the reviewer saw it (`version`), once; False when it lost.

    One conditional update: on PostgreSQL the second of two simultaneous reviews waits for the first, then
    finds the status or the version changed and updates nothing; a student's edit saved in between moves
    the version on, so it is never approved unseen. A teacher reviews only their students' logs (never their
    own, whatever their roles), and a diary entry (a kind that claims no session) is the student's alone.
    `log` shows the current state afterwards, whoever won.
    """
    await session.flush()  # the update below must see, and the refresh must not drop, earlier changes
    won = (await session.execute(update(GrowthLog)
        .where(GrowthLog.id == log.id, GrowthLog.version == version, GrowthLog.status == LogStatus.SUBMITTED.value,
               GrowthLog.student_id.in_(teacher_students(reviewer_id)), SHARED)
        .values(status=(LogStatus.CONFIRMED if confirmed else LogStatus.REJECTED).value, reviewed_by=reviewer_id,
                reviewed_at=now, reject_reason=reason, version=GrowthLog.version + 1)
        .returning(*REVIEWED).execution_options(synchronize_session=False))).first()
    if won is None:
        await session.refresh(log)  # someone was faster: the log as they left it
        return False
    for column, value in zip(REVIEWED, won, strict=True):  # what the update wrote, without reading the log again
        set_committed_value(log, column.key, value)
    return True


async def undo_review(session: AsyncSession, log_id: int, *, reviewer_id: int, version: int,
                      since: datetime) -> GrowthLog | None:
    """Takes back this reviewer's confirmation or send-back, made after `since`, of the log as it was reviewed.

    `version` is the log's version right after the review: a student who has since changed a sent-back log
    has acted on it, and the undo updates nothing. One conditional update, like the review itself.
    """
    await session.flush()
    undone = await rows_written(session, update(GrowthLog)
        .where(GrowthLog.id == log_id, GrowthLog.reviewed_by == reviewer_id, GrowthLog.version == version,
               GrowthLog.status.in_([LogStatus.CONFIRMED.value, LogStatus.REJECTED.value]),
               GrowthLog.reviewed_at >= since)
        .values(status=LogStatus.SUBMITTED.value, reviewed_by=None, reviewed_at=None, reject_reason=None,
                version=GrowthLog.version + 1)
        .execution_options(synchronize_session=False))
    if undone != 1:
        return None
    return await session.get(GrowthLog, log_id, populate_existing=True)  # one read, as the update left it


async def platform_marks(session: AsyncSession, first: date, last: date) -> tuple[int, int]:
    """(logs marked as submitted on the national platform, all logs) in a period; diary entries are not counted."""
    marked, total = (await session.execute(
        select(func.count(GrowthLog.platform_submitted_at), func.count())  # COUNT(column) leaves out NULLs
        .where(GrowthLog.activity_date.between(first, last), SHARED))).one()
    return marked, total


async def log_of_mentor(session: AsyncSession, log_id: int, mentor_id: int) -> GrowthLog | None:
    """A log only if its student is one of this mentor's."""
    from storage.models import Supervision

    result = await session.execute(
        select(GrowthLog).join(Supervision, Supervision.student_id == GrowthLog.student_id)
        .where(GrowthLog.id == log_id, Supervision.supervisor_id == mentor_id, Supervision.relation == "mentor",
               SHARED))
    return result.scalar_one_or_none()


async def sent_back(session: AsyncSession, student_id: int) -> Sequence[GrowthLog]:
    """The student's logs a teacher sent back and that wait for a fix, oldest first."""
    result = await session.execute(
        select(GrowthLog).where(GrowthLog.student_id == student_id, GrowthLog.status == LogStatus.REJECTED.value)
        .order_by(GrowthLog.reviewed_at, GrowthLog.id))
    return result.scalars().all()
