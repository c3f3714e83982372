"""Loading the facts behind the office's overview in a few statements, and building it."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from program.calendar import ProgramYear
from program.dashboard import Overview, StudentFacts, build_overview
from program.evaluations import EvaluationKind, EvaluationStatus
from storage import logs, people
from storage.models import Evaluation, Person, Supervision


async def overview(session: AsyncSession, year: ProgramYear, today: date) -> Overview:
    students = await people.all_students(session)
    mentors: dict[int, list[int]] = defaultdict(list)
    for student_id, mentor_id in await session.execute(
            select(Supervision.student_id, Supervision.supervisor_id).where(Supervision.relation == "mentor")):
        mentors[student_id].append(mentor_id)
    facts = [StudentFacts(s.id, s.name, s.school.name, s.subject, tuple(sorted(mentors[s.id])), s.exited_at is not None)
             for s in students]
    start, end = year.training
    found = await logs.activities(session, [s.id for s in students], start, end, shared_only=True)  # no diary
    submitted = {(student_id, EvaluationKind(kind)) for student_id, kind in await session.execute(
        select(Evaluation.student_id, Evaluation.kind).where(
            Evaluation.program_year == year.year, Evaluation.status == EvaluationStatus.SUBMITTED.value))}
    return build_overview(year, today, facts, found, submitted)


async def names(session: AsyncSession, person_ids: set[int] | list[int] | tuple[int, ...]) -> dict[int, str]:
    if not person_ids:
        return {}
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(list(person_ids))))
    return dict(rows.all())
