"""Rows of the export about assessment: evaluations and their history, training plans, results, certificates."""
from __future__ import annotations

import json
from typing import Any, AsyncIterator, Callable

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from program.annual import (
    DIMENSION_LABELS,
    OUTCOME_LABELS,
    RATING_LABELS,
    Dimension,
    MaterialKind,
    Outcome,
    Rating,
    earns_certificate,
)
from program.evaluations import KIND_LABELS, QUESTIONS, EvaluationKind, question
from program.i18n import Translator
from program.plans import PLAN_STATUS_LABELS, PlanStatus
from program.report import CHANGE_LABELS, EVALUATION_STATUS_LABELS
from storage.export_activity import ExportFilter, Names, _pages, students_query
from storage.models import (
    AnnualMaterial,
    AnnualResult,
    Evaluation,
    EvaluationChange,
    Person,
    School,
    TrainingPlan,
    TrainingPlanVersion,
)

_ = DIMENSION_LABELS  # the result columns follow Dimension's order


def answer_label(t: Translator, kind: EvaluationKind, key: str | None, value: Any) -> Any:
    """An answer as the office reads it: a choice by its label, free text as written."""
    if value is None or key is None:
        return value
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    try:
        choices = dict(question(kind, key).choices)
    except Exception:  # noqa: BLE001 - a field that no longer exists: shown as stored
        return value
    return t.raw(choices[value]) if value in choices else value


async def evaluation_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names,
                          kind: EvaluationKind) -> AsyncIterator[list[Any]]:
    query = (select(Evaluation.id, Evaluation, Person.name, School.name, Person.subject)
             .join(Person, Person.id == Evaluation.student_id).join(School, School.id == Person.school_id)
             .where(Evaluation.kind == kind.value, Evaluation.program_year == f.year,
                    Evaluation.student_id.in_(students_query(f))))
    async for page in _pages(session, query, Evaluation.id):
        for _, evaluation, student, school, subject in page:
            answers = [answer_label(t, kind, q.key, evaluation.answers.get(q.key)) for q in QUESTIONS[kind]]
            yield [student, school, subject, names.of([evaluation.mentor_id]),
                   t.raw(EVALUATION_STATUS_LABELS.get(evaluation.status, evaluation.status)),
                   evaluation.submitted_at, evaluation.updated_at, *answers, evaluation.platform_submitted_at]


async def history_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names,
                       ) -> AsyncIterator[list[Any]]:
    actor, student = aliased(Person), aliased(Person)
    query = (select(EvaluationChange.id, EvaluationChange, Evaluation.kind, actor.name, student.name)
             .join(Evaluation, Evaluation.id == EvaluationChange.evaluation_id)
             .join(actor, actor.id == EvaluationChange.actor_id).join(student, student.id == Evaluation.student_id)
             .where(Evaluation.program_year == f.year, Evaluation.student_id.in_(students_query(f)),
                    EvaluationChange.at >= f.since, EvaluationChange.at < f.until))
    async for page in _pages(session, query, EvaluationChange.id):
        for _, change, kind_value, by, whose in page:
            kind = EvaluationKind(kind_value)
            field = None
            if change.field:
                try:
                    field = t.raw(question(kind, change.field).title)
                except Exception:  # noqa: BLE001 - a field that no longer exists
                    field = change.field
            yield [change.at, by, whose, t.raw(KIND_LABELS[kind]),
                   t.raw(CHANGE_LABELS.get(change.action, change.action)), field,
                   answer_label(t, kind, change.field, change.old_value),
                   answer_label(t, kind, change.field, change.new_value)]


def months(t: Translator, sessions: dict[str, Any]) -> str:
    return ", ".join(t("Month %(month)d: %(count)d", month=m, count=int(c)) for m, c in
                     sorted(((int(k), v) for k, v in (sessions or {}).items())))


async def plan_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names) -> AsyncIterator[list[Any]]:
    """Every version of every plan (the history), newest version first within a student."""
    query = (select(TrainingPlan.id, TrainingPlan, Person.name, School.name, Person.subject)
             .join(Person, Person.id == TrainingPlan.student_id).join(School, School.id == Person.school_id)
             .where(TrainingPlan.program_year == f.year, TrainingPlan.student_id.in_(students_query(f))))
    async for page in _pages(session, query, TrainingPlan.id):
        plans = {row[0]: row for row in page}
        versions = (await session.execute(select(TrainingPlanVersion).where(
            TrainingPlanVersion.plan_id.in_(list(plans))).order_by(
            TrainingPlanVersion.plan_id, TrainingPlanVersion.number.desc()))).scalars().all()
        for v in versions:
            _, plan, student, school, subject = plans[v.plan_id]
            planned = sum(int(c) for c in (v.sessions or {}).values())
            yield [student, school, subject, v.number, t.raw(PLAN_STATUS_LABELS[PlanStatus(v.status)]),
                   names.of([v.author_id]), v.goals, v.reading, v.topic, months(t, v.sessions), planned,
                   v.submitted_at, names.of([v.decided_by]) if v.decided_by else None, v.decided_at, v.reason,
                   t.raw("Yes") if plan.approved == v.number else ""]


def _result_query(f: ExportFilter) -> Select:  # bare: SQLAlchemy 2.0 and 2.1 type a many-column Select differently
    return (select(AnnualResult.id, AnnualResult, Person.id, Person.name, School.name, Person.subject, Person.grade)
            .join(Person, Person.id == AnnualResult.student_id).join(School, School.id == Person.school_id)
            .where(AnnualResult.program_year == f.year, AnnualResult.student_id.in_(students_query(f))))


async def result_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names,
                      ) -> AsyncIterator[list[Any]]:
    async for page in _pages(session, _result_query(f), AnnualResult.id):
        for _, result, _pid, student, school, subject, _grade in page:
            ratings = [t.raw(RATING_LABELS[Rating(getattr(result, d.value))]) for d in Dimension]
            yield [student, school, subject, *ratings, t.raw(OUTCOME_LABELS[Outcome(result.outcome)]),
                   t.raw("Yes") if result.international_candidate else t.raw("No"), result.note,
                   names.of([result.recorded_by]) if result.recorded_by else None, result.recorded_at]


async def certificate_rows(session: AsyncSession, f: ExportFilter, t: Translator, names: Names,
                           ) -> AsyncIterator[list[Any]]:
    """The 培养证书 list: students whose outcome is 合格 or 优秀."""
    granted = [o.value for o in Outcome if earns_certificate(o)]
    async for page in _pages(session, _result_query(f).where(AnnualResult.outcome.in_(granted)), AnnualResult.id):
        for _, result, pid, student, school, subject, grade in page:
            yield [student, school, subject, grade, names.of(names.mentors.get(pid)),
                   t.raw(OUTCOME_LABELS[Outcome(result.outcome)])]


def progress_facts(f: ExportFilter, t: Translator) -> Callable[..., Any]:
    """Per page of students: evaluation statuses, materials handed in, plan status and result."""
    async def load(session: AsyncSession, ids: list[int]) -> Callable[[int], list[Any]]:
        evaluations = {(s, k): status for s, k, status in await session.execute(
            select(Evaluation.student_id, Evaluation.kind, Evaluation.status).where(
                Evaluation.student_id.in_(ids), Evaluation.program_year == f.year))}
        materials = {(s, k): n for s, k, n in await session.execute(
            select(AnnualMaterial.student_id, AnnualMaterial.kind, func.count()).where(
                AnnualMaterial.student_id.in_(ids), AnnualMaterial.program_year == f.year,
                AnnualMaterial.removed_at.is_(None)).group_by(AnnualMaterial.student_id, AnnualMaterial.kind))}
        plans = dict((await session.execute(select(TrainingPlan.student_id, TrainingPlan.status).where(
            TrainingPlan.student_id.in_(ids), TrainingPlan.program_year == f.year))).all())
        results = dict((await session.execute(select(AnnualResult.student_id, AnnualResult.outcome).where(
            AnnualResult.student_id.in_(ids), AnnualResult.program_year == f.year))).all())

        def extra(pid: int) -> list[Any]:
            states = [evaluations.get((pid, k.value)) for k in EvaluationKind]
            return [*(t.raw(EVALUATION_STATUS_LABELS[s]) if s else "" for s in states),
                    *(materials.get((pid, k.value), 0) for k in MaterialKind),
                    t.raw(PLAN_STATUS_LABELS[PlanStatus(plans[pid])]) if pid in plans else "",
                    t.raw(OUTCOME_LABELS[Outcome(results[pid])]) if pid in results else ""]
        return extra
    return load
