"""An evaluation's review: every answer, submit, copy for the national platform, and what a mid-term result means."""
from __future__ import annotations

from handlers.evaluation.form import (
    ConfirmResult,
    CopyEvaluation,
    MarkEvaluationOnPlatform,
    ShowEvaluationReview,
    Step,
    SubmitEvaluation,
    UnmarkEvaluation,
    current,
    evaluate,
    form,
    mine,
    window_check,
    year_now,
)
from handlers.kit import Button, Ctx, Screen, Stale, esc, rows
from handlers.kit.wizard import ChangePart
from handlers.views.evaluations import answer_text
from handlers.views.links import EvaluationStudents
from handlers.views.midterm import apply_result, changes_membership, consequence_text
from program.errors import InvalidInput
from program.evaluations import (
    KIND_LABELS,
    QUESTIONS,
    EvaluationKind,
    EvaluationStatus,
    check_answer,
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
    result = evaluation.answers.get("result")
    if kind is EvaluationKind.MIDTERM and changes_membership(student, result):
        return ask_first(ctx, evaluation, student, str(result))
    return await _submit(ctx, evaluation, student)


async def _submit(ctx: Ctx, evaluation: Evaluation, student: Person) -> Screen:
    kind = EvaluationKind(evaluation.kind)
    await evaluations.submit(ctx.session, evaluation, ctx.me.id, ctx.now())
    if kind is EvaluationKind.MIDTERM:
        await apply_result(ctx, student, evaluation)
    screen = review_screen(ctx, evaluation, student)
    note = ctx.t("✅ Submitted. You can still change it until %(closes)s.",
                 closes=ctx.day(evaluation_window(kind, year_now(ctx)).closes))
    return Screen(f"{note}\n\n{screen.text}", buttons=screen.buttons)


def ask_first(ctx: Ctx, evaluation: Evaluation, student: Person, result: str) -> Screen:
    """A result that ends (or restores) a student's training is stated, and waits for the mentor's yes."""
    ctx.state.goto(Step.CONSEQUENCE)
    submitted = evaluation.status == EvaluationStatus.SUBMITTED.value
    yes = ctx.t("✅ Confirm and submit") if not submitted else ctx.t("✅ Confirm the change")
    return Screen(consequence_text(ctx, student, result),
                  buttons=rows(Button(yes, ConfirmResult(evaluation.id, result)),
                               Button(ctx.t("« Back to review"), ShowEvaluationReview(evaluation.id)), per_row=1))


@evaluate.button(ShowEvaluationReview, role=Role.MENTOR, steps=(Step.CONSEQUENCE,))
async def back_to_review(ctx: Ctx, tap: ShowEvaluationReview) -> Screen:
    evaluation, student = await current(ctx, tap.evaluation_id)
    return review_screen(ctx, evaluation, student)


@evaluate.button(ConfirmResult, role=Role.MENTOR, steps=(Step.CONSEQUENCE,))
async def confirm_result(ctx: Ctx, tap: ConfirmResult) -> Screen:
    evaluation, student = await current(ctx, tap.evaluation_id)
    await window_check(ctx, EvaluationKind(evaluation.kind))
    if evaluation.status != EvaluationStatus.SUBMITTED.value:
        if evaluation.answers.get("result") != tap.result:
            raise Stale(evaluate)
        return await _submit(ctx, evaluation, student)
    q = QUESTIONS[EvaluationKind.MIDTERM][0]
    await evaluations.answer(ctx.session, evaluation, q.key, check_answer(q, tap.result), ctx.me.id, ctx.now())
    await apply_result(ctx, student, evaluation)
    return review_screen(ctx, evaluation, student, saved=True)


def _mark_button(ctx: Ctx, evaluation_id: int, done: bool) -> Button:
    if done:
        return Button(ctx.t("↶ Not submitted there yet"), UnmarkEvaluation(evaluation_id))
    return Button(ctx.t("✓ Submitted on the platform"), MarkEvaluationOnPlatform(evaluation_id))


@evaluate.button(CopyEvaluation, role=Role.MENTOR)
async def copy_for_platform(ctx: Ctx, tap: CopyEvaluation) -> list[Screen]:
    """A header, then each field alone in a copyable block (the platform has one box each); the mark comes last."""
    evaluation, student = await mine(ctx, tap.evaluation_id)
    kind = EvaluationKind(evaluation.kind)
    screens = [Screen(ctx.t("Copy each field into its box of the %(kind)s form for %(name)s on the national "
                            "platform (tap a grey block to copy it):", kind=Msgid(KIND_LABELS[kind]),
                            name=student.name))]
    for q in QUESTIONS[kind]:
        value = answer_text(ctx, q, evaluation.answers.get(q.key))
        screens.append(Screen(f"<b>{esc(ctx.t(q.title))}</b>\n<pre>{esc(value)}</pre>"))
    screens[-1] = Screen(screens[-1].text, buttons=rows(_mark_button(ctx, evaluation.id,
                                                                     evaluation.platform_submitted_at is not None)))
    return screens


@evaluate.button(MarkEvaluationOnPlatform, role=Role.MENTOR)
async def mark_platform(ctx: Ctx, tap: MarkEvaluationOnPlatform) -> Screen:
    """The copied text stays where it is; the mark is a message of its own, and can be taken back."""
    evaluation, _ = await mine(ctx, tap.evaluation_id)
    await evaluations.mark_platform(ctx.session, evaluation, ctx.me.id, ctx.now())
    return Screen(ctx.t("Marked as submitted on the national platform ✓"),
                  buttons=rows(_mark_button(ctx, evaluation.id, True)))


@evaluate.button(UnmarkEvaluation, role=Role.MENTOR)
async def unmark_platform(ctx: Ctx, tap: UnmarkEvaluation) -> Screen:
    evaluation, _ = await mine(ctx, tap.evaluation_id)
    await evaluations.unmark_platform(ctx.session, evaluation, ctx.me.id, ctx.now())
    return Screen(ctx.t("The mark is taken back: not submitted on the platform yet."), replace=True,
                  buttons=rows(_mark_button(ctx, evaluation.id, False)))
