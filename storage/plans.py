"""Training plan records: a plan per student and year, its versions, and the office's decisions."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from program.plans import PlanContent, PlanStatus, ensure_decidable, ensure_editable, ensure_not_own_plan
from storage.models import Person, Supervision, TrainingPlan, TrainingPlanVersion


def content_of(version: TrainingPlanVersion) -> PlanContent:
    return PlanContent(version.goals, version.reading, version.topic,
                       {int(m): int(c) for m, c in (version.sessions or {}).items()})


async def of_student(session: AsyncSession, student_id: int, year: int, *, lock: bool = False) -> TrainingPlan | None:
    query = select(TrainingPlan).where(TrainingPlan.student_id == student_id, TrainingPlan.program_year == year)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def of_students(session: AsyncSession, student_ids: Sequence[int], year: int) -> dict[int, TrainingPlan]:
    """The plans of these students for a year, by student (one statement); a student without one is left out."""
    if not student_ids:
        return {}
    rows = await session.execute(select(TrainingPlan).where(TrainingPlan.student_id.in_(list(student_ids)),
                                                            TrainingPlan.program_year == year))
    return {plan.student_id: plan for plan in rows.scalars()}


async def version(session: AsyncSession, plan: TrainingPlan, number: int | None = None) -> TrainingPlanVersion:
    return await session.get_one(TrainingPlanVersion, (plan.id, number or plan.latest))


async def history(session: AsyncSession, plan_id: int) -> Sequence[TrainingPlanVersion]:
    rows = await session.execute(select(TrainingPlanVersion).where(TrainingPlanVersion.plan_id == plan_id)
                                 .order_by(TrainingPlanVersion.number.desc()))
    return rows.scalars().all()


async def draft_for(session: AsyncSession, *, student_id: int, year: int, author_id: int,
                    now: datetime) -> tuple[TrainingPlan, TrainingPlanVersion]:
    """The version the mentor writes into: the current draft, or a new version copied from the latest."""
    plan = await of_student(session, student_id, year, lock=True)
    if plan is None:
        plan = TrainingPlan(student_id=student_id, program_year=year, status=PlanStatus.DRAFT.value, latest=1,
                            created_at=now, updated_at=now)
        session.add(plan)
        await session.flush()
        draft = TrainingPlanVersion(plan_id=plan.id, number=1, author_id=author_id, status=PlanStatus.DRAFT.value,
                                    goals="", reading="", topic="", sessions={}, created_at=now)
        session.add(draft)
        await session.flush()
        return plan, draft
    ensure_editable(PlanStatus(plan.status))
    latest = await version(session, plan)
    if plan.status == PlanStatus.DRAFT.value:
        return plan, latest
    # Approved or returned: a revision is a new version, so what the office saw stays as it was.
    draft = TrainingPlanVersion(plan_id=plan.id, number=plan.latest + 1, author_id=author_id,
                                status=PlanStatus.DRAFT.value, goals=latest.goals, reading=latest.reading,
                                topic=latest.topic, sessions=dict(latest.sessions or {}), created_at=now)
    session.add(draft)
    plan.latest, plan.status, plan.updated_at = draft.number, PlanStatus.DRAFT.value, now
    await session.flush()
    return plan, draft


def write(plan: TrainingPlan, draft: TrainingPlanVersion, content: PlanContent, author_id: int, now: datetime) -> None:
    draft.goals, draft.reading, draft.topic = content.goals, content.reading, content.topic
    draft.sessions = {str(m): c for m, c in sorted(content.sessions.items())}
    draft.author_id, plan.updated_at = author_id, now


def submit(plan: TrainingPlan, draft: TrainingPlanVersion, now: datetime) -> None:
    draft.status = plan.status = PlanStatus.SUBMITTED.value
    draft.submitted_at, plan.updated_at = now, now


async def decide(session: AsyncSession, *, plan_id: int, office_id: int | None, approve: bool, reason: str | None,
                 now: datetime, version_seen: int | None = None) -> tuple[TrainingPlan, TrainingPlanVersion]:
    """Approves or returns the waiting version; the row lock makes a second decision see the first.

    `version_seen`: the version the office read; a plan revised since then is not decided unread.
    """
    plan = (await session.execute(select(TrainingPlan).where(TrainingPlan.id == plan_id).with_for_update()
                                  )).scalar_one_or_none()
    if plan is None:
        from program.errors import NotFound
        raise NotFound()
    ensure_decidable(PlanStatus(plan.status))
    if version_seen is not None and version_seen != plan.latest:
        from program.errors import NotAllowed
        from program.i18n import N_
        raise NotAllowed(N_("The mentor changed this plan after you opened it. Open it again to read the new "
                            "version."))
    latest = await version(session, plan)
    if office_id is not None:
        ensure_not_own_plan(latest.author_id, plan.student_id, office_id)
    status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    latest.status = plan.status = status.value
    latest.decided_by, latest.decided_at, latest.reason = office_id, now, None if approve else reason
    if approve:
        plan.approved = latest.number
    plan.updated_at = now
    return plan, latest


async def of_mentor(session: AsyncSession, plan_id: int, mentor_id: int) -> TrainingPlan | None:
    """A plan only if its student is one of this mentor's: others' ids read as not found."""
    result = await session.execute(
        select(TrainingPlan).join(Supervision, Supervision.student_id == TrainingPlan.student_id)
        .where(TrainingPlan.id == plan_id, Supervision.supervisor_id == mentor_id, Supervision.relation == "mentor"))
    return result.scalar_one_or_none()


async def mentors_of(session: AsyncSession, student_id: int) -> list[int]:
    """Who is told about a decision on the student's plan."""
    rows = await session.execute(select(Supervision.supervisor_id).where(
        Supervision.student_id == student_id, Supervision.relation == "mentor"))
    return list(rows.scalars())


async def waiting(session: AsyncSession, year: int) -> Sequence[tuple[TrainingPlan, str]]:
    """Plans waiting for the office, oldest first, with the student's name."""
    rows = await session.execute(
        select(TrainingPlan, Person.name).join(Person, Person.id == TrainingPlan.student_id)
        .where(TrainingPlan.program_year == year, TrainingPlan.status == PlanStatus.SUBMITTED.value)
        .order_by(TrainingPlan.updated_at, TrainingPlan.id))
    return [(plan, name) for plan, name in rows]


async def approved_for_student(session: AsyncSession, student_id: int, year: int) -> TrainingPlanVersion | None:
    """What the student sees: the approved version, even while a revision is being written."""
    plan = await of_student(session, student_id, year)
    if plan is None or plan.approved is None:
        return None
    return await version(session, plan, plan.approved)
