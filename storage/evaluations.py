"""Evaluation records: one per (student, kind, year), their change history and reopened windows."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from program.evaluations import EvaluationKind, EvaluationStatus, OpenWindow
from storage.models import Evaluation, EvaluationChange, WindowOverride
from storage.plumbing import upsert


async def of_student(session: AsyncSession, student_id: int, year: int) -> dict[str, Evaluation]:
    result = await session.execute(
        select(Evaluation).where(Evaluation.student_id == student_id, Evaluation.program_year == year))
    return {e.kind: e for e in result.scalars()}


async def for_students(session: AsyncSession, student_ids: Sequence[int], kind: EvaluationKind, year: int,
                       ) -> dict[int, Evaluation]:
    if not student_ids:
        return {}
    result = await session.execute(
        select(Evaluation).where(Evaluation.student_id.in_(student_ids), Evaluation.kind == kind.value,
                                 Evaluation.program_year == year))
    return {e.student_id: e for e in result.scalars()}


async def get(session: AsyncSession, student_id: int, kind: EvaluationKind, year: int) -> Evaluation | None:
    result = await session.execute(
        select(Evaluation).where(Evaluation.student_id == student_id, Evaluation.kind == kind.value,
                                 Evaluation.program_year == year))
    return result.scalar_one_or_none()


async def start(session: AsyncSession, *, student_id: int, mentor_id: int, kind: EvaluationKind,
                year: int, now: datetime) -> Evaluation:
    """The (student, kind, year) evaluation, begun as a draft unless it exists.

    Two co-mentors opening it at the same moment get the same row: the second insert waits for the first
    (PostgreSQL) and then does nothing, instead of failing on the unique key. Nobody evaluates themselves.
    """
    if student_id == mentor_id:
        raise ValueError("nobody evaluates themselves")
    await session.execute(upsert(session, Evaluation).values(
        student_id=student_id, mentor_id=mentor_id, kind=kind.value, program_year=year,
        status=EvaluationStatus.DRAFT.value, answers={}, created_at=now, updated_at=now, version=1,
    ).on_conflict_do_nothing(index_elements=["student_id", "kind", "program_year"]))
    result = await session.execute(
        select(Evaluation).where(Evaluation.student_id == student_id, Evaluation.kind == kind.value,
                                 Evaluation.program_year == year).execution_options(populate_existing=True))
    return result.scalar_one()


async def _latest(session: AsyncSession, evaluation: Evaluation) -> None:
    """Locks the row until the transaction ends (PostgreSQL) and reads what co-mentors saved meanwhile."""
    await session.flush()  # a refresh would otherwise drop changes made earlier in this transaction
    await session.refresh(evaluation, with_for_update=True)


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


async def answer(session: AsyncSession, evaluation: Evaluation, key: str, value: str, actor_id: int,
                 now: datetime) -> None:
    """Saves one answer and records the change (who, when, old → new).

    The answer is merged into the latest answers under a row lock, so a co-mentor's answer to another
    question saved a moment ago is kept, and the history's old value is the one really replaced.
    """
    await _latest(session, evaluation)
    old = evaluation.answers.get(key)
    if old == value:
        return
    evaluation.answers = {**evaluation.answers, key: value}
    evaluation.updated_at = now
    evaluation.version += 1
    session.add(EvaluationChange(evaluation_id=evaluation.id, actor_id=actor_id, at=now, action="answer", field=key,
                                 old_value=_text(old), new_value=_text(value)))


async def submit(session: AsyncSession, evaluation: Evaluation, actor_id: int, now: datetime) -> bool:
    """Submits (or submits again) under a row lock; True for the first submission, whoever else tried."""
    await _latest(session, evaluation)
    first = evaluation.status != EvaluationStatus.SUBMITTED.value
    evaluation.status = EvaluationStatus.SUBMITTED.value
    evaluation.submitted_at = evaluation.submitted_at or now
    evaluation.updated_at = now
    evaluation.version += 1
    session.add(EvaluationChange(evaluation_id=evaluation.id, actor_id=actor_id, at=now,
                                 action="submit" if first else "resubmit"))
    return first


async def mark_platform(session: AsyncSession, evaluation: Evaluation, actor_id: int, now: datetime) -> None:
    await _latest(session, evaluation)  # two co-mentors marking it at once: one history line
    if evaluation.platform_submitted_at is None:
        evaluation.platform_submitted_at = now
        session.add(EvaluationChange(evaluation_id=evaluation.id, actor_id=actor_id, at=now, action="platform"))


async def unmark_platform(session: AsyncSession, evaluation: Evaluation, actor_id: int, now: datetime) -> None:
    """A mark made by mistake is taken back, and the history says so."""
    await _latest(session, evaluation)
    if evaluation.platform_submitted_at is not None:
        evaluation.platform_submitted_at = None
        session.add(EvaluationChange(evaluation_id=evaluation.id, actor_id=actor_id, at=now, action="platform_undone"))


async def reopened_for(session: AsyncSession, mentor_id: int, window: str, year: int) -> OpenWindow | None:
    result = await session.execute(select(WindowOverride).where(
        WindowOverride.mentor_id == mentor_id, WindowOverride.window == window, WindowOverride.program_year == year))
    found = result.scalar_one_or_none()
    return OpenWindow(found.opens, found.closes) if found else None


async def reopen(session: AsyncSession, *, mentor_id: int, window: str, year: int, opens: Any, closes: Any,
                 now: datetime) -> None:
    """Opens a window again for one mentor; one statement, so two clerks at once leave one override."""
    from storage.plumbing import upsert

    values = {"opens": opens, "closes": closes}
    await session.execute(upsert(session, WindowOverride).values(
        mentor_id=mentor_id, window=window, program_year=year, created_at=now, **values)
        .on_conflict_do_update(index_elements=["mentor_id", "window", "program_year"], set_=values))


async def submitted_counts(session: AsyncSession, year: int) -> dict[str, int]:
    """How many evaluations of each kind were submitted this program year."""
    from sqlalchemy import func

    rows = await session.execute(
        select(Evaluation.kind, func.count()).where(Evaluation.program_year == year,
                                                    Evaluation.status == EvaluationStatus.SUBMITTED.value)
        .group_by(Evaluation.kind))
    return {kind: count for kind, count in rows}


async def recent_changes(session: AsyncSession, offset: int,
                         limit: int) -> list[tuple[EvaluationChange, Evaluation, str, str]]:
    """Evaluation changes, newest first, with who made them and whose evaluation it is."""
    from sqlalchemy.orm import aliased

    from storage.models import Person

    actor, student = aliased(Person), aliased(Person)
    rows = await session.execute(
        select(EvaluationChange, Evaluation, actor.name, student.name)
        .join(Evaluation, Evaluation.id == EvaluationChange.evaluation_id)
        .join(actor, actor.id == EvaluationChange.actor_id).join(student, student.id == Evaluation.student_id)
        .order_by(EvaluationChange.at.desc(), EvaluationChange.id.desc()).offset(offset).limit(limit))
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def of_mentor(session: AsyncSession, evaluation_id: int, mentor_id: int) -> Evaluation | None:
    """An evaluation only if its student is one of this mentor's (co-mentors share it)."""
    from storage.models import Supervision

    result = await session.execute(
        select(Evaluation).join(Supervision, Supervision.student_id == Evaluation.student_id)
        .where(Evaluation.id == evaluation_id, Supervision.supervisor_id == mentor_id,
               Supervision.relation == "mentor", Evaluation.student_id != mentor_id))
    return result.scalar_one_or_none()


async def history_page(session: AsyncSession, offset: int, limit: int, *, drafts: bool = False,
                       ) -> tuple[list[tuple[EvaluationChange, Evaluation, str, str]], int]:
    """The office's 评价修改记录, newest first, and how many entries there are in all.

    Without `drafts`: submissions, platform marks, and answers changed after the evaluation was first
    submitted; a mentor's drafting before that is their own work in progress.
    """
    from sqlalchemy import and_, func, or_
    from sqlalchemy.orm import aliased

    from storage.models import Person

    actor, student = aliased(Person), aliased(Person)
    condition = [] if drafts else [or_(EvaluationChange.action != "answer", and_(
        Evaluation.submitted_at.is_not(None), EvaluationChange.at > Evaluation.submitted_at))]
    base = select(EvaluationChange.id).join(Evaluation, Evaluation.id == EvaluationChange.evaluation_id).where(
        *condition)
    total = (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    rows = await session.execute(
        select(EvaluationChange, Evaluation, actor.name, student.name)
        .join(Evaluation, Evaluation.id == EvaluationChange.evaluation_id)
        .join(actor, actor.id == EvaluationChange.actor_id).join(student, student.id == Evaluation.student_id)
        .where(*condition).order_by(EvaluationChange.at.desc(), EvaluationChange.id.desc()).offset(offset).limit(limit))
    return [(c, e, a, s) for c, e, a, s in rows.all()], total
