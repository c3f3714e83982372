"""Answering an evaluation question by question: each answer is saved at once, with its history."""
from __future__ import annotations

from handlers.evaluation.form import (
    QUESTION_STEPS,
    AnswerChoice,
    PauseEvaluation,
    Step,
    current,
    evaluate,
    form,
    question_at,
    window_check,
)
from handlers.evaluation.review import ask_first, review_screen
from handlers.kit import Button, Ctx, Screen, Stale, excerpt, rows
from handlers.kit.wizard import BACK_TO_REVIEW, GoTo, ToReview
from handlers.views.midterm import changes_membership
from program.errors import InvalidInput
from program.evaluations import KIND_LABELS, QUESTIONS, EvaluationKind, EvaluationStatus, check_answer, missing_answers
from program.i18n import N_, Msgid
from program.roles import Role
from storage import evaluations
from storage.models import Evaluation, Person


def _step(ctx: Ctx) -> Step:
    return Step(ctx.state.step or Step.Q1)


@form.asks(*QUESTION_STEPS)
async def ask_question(ctx: Ctx) -> Screen:
    evaluation, _ = await current(ctx)
    await window_check(ctx, EvaluationKind(evaluation.kind))
    step = _step(ctx)
    q, index = question_at(ctx, step), QUESTION_STEPS.index(step)
    lines = [form.header(ctx, step), f"<b>{ctx.t(q.prompt)}</b>"]
    answer = evaluation.answers.get(q.key)
    buttons: list[Button | None] = []
    if q.choices:
        buttons += [Button(("● " if answer == value else "") + ctx.t(label),
                           AnswerChoice(evaluation.id, index, value)) for value, label in q.choices]
    else:
        lines.append(ctx.t("Type your answer (up to %(limit)d characters).", limit=q.limit))
        if answer:
            lines.append(ctx.t("Now: «%(excerpt)s». A new message replaces it; “Next” keeps it.",
                               excerpt=excerpt(answer, 80)))
    following = form.following(ctx, step)
    nav = [form.back(ctx, step),
           Button(ctx.t("Next ▶"), form.link(ctx, GoTo(following.value))) if answer and following else None,
           Button(ctx.t("Review ▶"), form.link(ctx, ToReview())) if answer and not following else None,
           Button(ctx.t("💾 Save draft, finish later"), PauseEvaluation())]
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=2) + rows(*nav, per_row=2))


async def _save_answer(ctx: Ctx, evaluation: Evaluation, student: Person, value: str) -> Screen:
    kind = EvaluationKind(evaluation.kind)
    await window_check(ctx, kind)
    step = _step(ctx)
    q = question_at(ctx, step)
    value = check_answer(q, value)
    submitted = evaluation.status == EvaluationStatus.SUBMITTED.value
    if kind is EvaluationKind.MIDTERM and submitted and q.key == "result" and changes_membership(student, value):
        return ask_first(ctx, evaluation, student, value)  # a corrected result takes effect once confirmed
    await evaluations.answer(ctx.session, evaluation, q.key, value, ctx.me.id, ctx.now())
    missing = missing_answers(kind, evaluation.answers)
    if evaluation.status == EvaluationStatus.SUBMITTED.value or not missing or ctx.state.draft.get(BACK_TO_REVIEW):
        ctx.state.draft.pop(BACK_TO_REVIEW, None)
        return review_screen(ctx, evaluation, student, saved=True)
    index = QUESTION_STEPS.index(step)
    last = index + 1 >= len(QUESTIONS[kind])
    return await form.ask(ctx, QUESTION_STEPS[QUESTIONS[kind].index(missing[0]) if last else index + 1])


@evaluate.text(*QUESTION_STEPS)
async def take_text(ctx: Ctx, text: str) -> Screen:
    evaluation, student = await current(ctx)
    if question_at(ctx, _step(ctx)).choices:
        raise InvalidInput(N_("Please use the buttons below."))
    return await _save_answer(ctx, evaluation, student, text)


@evaluate.button(AnswerChoice, role=Role.MENTOR, steps=QUESTION_STEPS)
async def take_choice(ctx: Ctx, tap: AnswerChoice) -> Screen:
    evaluation, student = await current(ctx, tap.evaluation_id)
    if tap.index != QUESTION_STEPS.index(_step(ctx)):  # the choice of another question than the one asked now
        raise Stale(evaluate)
    return await _save_answer(ctx, evaluation, student, tap.value)


@evaluate.button(PauseEvaluation, role=Role.MENTOR, steps=QUESTION_STEPS)
async def pause(ctx: Ctx, tap: PauseEvaluation) -> Screen:
    evaluation, student = await current(ctx)
    ctx.state.pause()
    return Screen(ctx.t("💾 Saved as a draft. Continue any time from “🧾 Evaluations” → %(kind)s → %(name)s.",
                        kind=Msgid(KIND_LABELS[EvaluationKind(evaluation.kind)]), name=student.name))
