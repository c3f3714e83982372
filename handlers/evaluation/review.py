"""An evaluation's review: every answer, submit, copy for the national platform, and what a mid-term result means."""
from __future__ import annotations

from datetime import datetime

from handlers.evaluation.form import (
    CopyEvaluation,
    MarkEvaluationOnPlatform,
    Step,
    SubmitEvaluation,
    current,
    evaluate,
    form,
    mine,
    window_check,
    year_now,
)
from handlers.kit import Button, Ctx, Screen, esc, rows
from handlers.kit.wizard import ChangePart
from handlers.views.evaluations import answer_text
from handlers.views.links import EvaluationStudents
from program.errors import InvalidInput
from program.evaluations import (
    KIND_LABELS,
    QUESTIONS,
    EvaluationKind,
    EvaluationStatus,
    evaluation_window,
    missing_answers,
)
from program.i18n import N_, Msgid
from program.roles import Role
from storage import evaluations
from storage.models import Evaluation, Person


def review_screen(ctx: Ctx, evaluation: Evaluation, student: Person, *, editable: bool = True,
                  saved: bool = False) -> Screen:
    kind = EvaluationKind(evaluation.kind)
    submitted = evaluation.status == EvaluationStatus.SUBMITTED.value
    lines = [ctx.t("💾 Saved.")] if saved else []
    lines.append(ctx.t("<b>%(kind)s · %(name)s</b> · %(state)s", kind=Msgid(KIND_LABELS[kind]), name=student.name,
                       state=ctx.t("submitted ✓") if submitted else ctx.t("draft")))
    for q in QUESTIONS[kind]:
        lines.append(f"<b>{esc(ctx.t(q.title))}</b>\n{esc(answer_text(ctx, q, evaluation.answers.get(q.key)))}")
    if evaluation.platform_submitted_at:
        lines.append(ctx.t("✓ Marked as submitted on the national platform."))
    if editable:
        ctx.state.goto(Step.REVIEW)
    else:
        lines.append(ctx.t("The window is closed, so this can no longer be changed."))
    buttons = rows(
        Button(ctx.t("✅ Submit"), SubmitEvaluation(evaluation.id)) if editable and not submitted else None,
        Button(ctx.t("✏️ Change an answer"), ChangePart().pack(evaluate.name)) if editable else None,
        Button(ctx.t("📋 Copy for the platform"), CopyEvaluation(evaluation.id)) if submitted else None,
        Button(ctx.t("« Students"), EvaluationStudents(kind)))
    return Screen("\n\n".join(lines), buttons=buttons)


@form.reviews
async def review(ctx: Ctx) -> Screen:
    evaluation, student = await current(ctx)
    return review_screen(ctx, evaluation, student)


@evaluate.button(SubmitEvaluation, role=Role.MENTOR, steps=(Step.REVIEW,))
async def submit(ctx: Ctx, tap: SubmitEvaluation) -> Screen:
    evaluation, student = await current(ctx, tap.evaluation_id)
    kind = EvaluationKind(evaluation.kind)
    await window_check(ctx, kind)
    missing = missing_answers(kind, evaluation.answers)
    if missing:
        raise InvalidInput(N_("Some answers are missing: %(list)s."),
                           list=ctx.t(", ").join(ctx.t.raw(q.title) for q in missing))
    await evaluations.submit(ctx.session, evaluation, ctx.me.id, ctx.now())
    if kind is EvaluationKind.MIDTERM:
        apply_midterm_result(student, evaluation, ctx.now())
    screen = review_screen(ctx, evaluation, student)
    note = ctx.t("✅ Submitted. You can still change it until %(closes)s.",
                 closes=ctx.day(evaluation_window(kind, year_now(ctx)).closes))
    return Screen(f"{note}\n\n{screen.text}", buttons=screen.buttons)


def apply_midterm_result(student: Person, evaluation: Evaluation, now: datetime) -> None:
    """A failed mid-term means leaving the program (kept in the records); a corrected pass brings them back."""
    failed = evaluation.answers.get("result") == "fail"
    if failed and student.exited_at is None:
        student.exited_at = now
    elif not failed and student.exited_at is not None:
        student.exited_at = None


@evaluate.button(CopyEvaluation, role=Role.MENTOR)
async def copy_for_platform(ctx: Ctx, tap: CopyEvaluation) -> Screen:
    evaluation, student = await mine(ctx, tap.evaluation_id)
    kind = EvaluationKind(evaluation.kind)
    body = "\n".join(ctx.t("%(title)s: %(value)s", title=Msgid(q.title),
                           value=answer_text(ctx, q, evaluation.answers.get(q.key))) for q in QUESTIONS[kind])
    header = ctx.t("Copy this into the %(kind)s form for %(name)s on the national platform:",
                   kind=Msgid(KIND_LABELS[kind]), name=student.name)
    done = evaluation.platform_submitted_at is not None
    return Screen(f"{header}\n<pre>{body}</pre>",
                  buttons=rows(Button(ctx.t("Marked as submitted ✓") if done else ctx.t("✓ Submitted on the platform"),
                                      MarkEvaluationOnPlatform(evaluation.id))))


@evaluate.button(MarkEvaluationOnPlatform, role=Role.MENTOR)
async def mark_platform(ctx: Ctx, tap: MarkEvaluationOnPlatform) -> Screen:
    evaluation, _ = await mine(ctx, tap.evaluation_id)
    await evaluations.mark_platform(ctx.session, evaluation, ctx.me.id, ctx.now())
    return Screen(ctx.t("Marked as submitted on the national platform ✓"), replace=True)
