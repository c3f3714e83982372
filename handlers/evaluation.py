"""A mentor's evaluations (初期, 中期, 年度): saved at every answer, reviewed, submitted, edited in the window."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from handlers.kit import Button, Ctx, Flow, Payload, Screen, Stale, esc, excerpt, rows
from handlers.views.evaluations import answer_text
from handlers.views.links import EvaluationStudents
from handlers.views.logs import activity_label, status_icon
from handlers.views.students import EVALUATION_MARKS, NO_STUDENTS, my_student
from program.calendar import ProgramYear
from program.errors import InvalidInput, NotAllowed, NotFound
from program.evaluations import (
    KIND_LABELS,
    KIND_WINDOWS,
    QUESTIONS,
    EvaluationKind,
    EvaluationStatus,
    Question,
    check_answer,
    ensure_window_open,
    evaluated_period,
    evaluation_window,
    missing_answers,
)
from program.growth_log import ActivityKind, LogStatus
from program.i18n import N_, Msgid
from program.roles import Role
from program.sessions import LoggedActivity, count_sessions
from storage import evaluations, logs, people
from storage.models import Evaluation, Person


class Step(StrEnum):
    ANSWER = "answer"
    REVIEW = "review"


evaluate = Flow("ev", Step, paused_hint=N_("Send /evaluate to continue."),
                done_hint=N_("Send /evaluate to open an evaluation."))


class ChooseKind(Payload, flow="ev", action="kinds"):
    pass


class OpenEvaluation(Payload, flow="ev", action="open"):
    kind: EvaluationKind
    student_id: int


class AnswerChoice(Payload, flow="ev", action="a"):
    evaluation_id: int
    index: int
    value: str


class GoToQuestion(Payload, flow="ev", action="q"):
    evaluation_id: int
    index: int


class ShowReview(Payload, flow="ev", action="review"):
    evaluation_id: int


class PauseEvaluation(Payload, flow="ev", action="pause"):
    evaluation_id: int


class ChangeAnswer(Payload, flow="ev", action="change"):
    evaluation_id: int


class SubmitEvaluation(Payload, flow="ev", action="submit"):
    evaluation_id: int


class CopyEvaluation(Payload, flow="ev", action="copy"):
    evaluation_id: int


class MarkEvaluationOnPlatform(Payload, flow="ev", action="plat"):
    evaluation_id: int


NOT_YOURS = N_("Not found. It may have been removed, or it is not yours.")
WINDOW_STATES = {"open": N_("open now"), "not yet": N_("not open yet"), "closed": N_("closed")}
CONTEXT_LINES = 8


def _year(ctx: Ctx) -> ProgramYear:
    return ctx.services.calendar.for_date(ctx.today())


async def _window_check(ctx: Ctx, kind: EvaluationKind) -> None:
    year = _year(ctx)
    reopened = await evaluations.reopened_for(ctx.session, ctx.me.id, KIND_WINDOWS[kind].value, year.year)
    ensure_window_open(kind, evaluation_window(kind, year), ctx.today(), reopened)


@evaluate.command("evaluate", role=Role.MENTOR)
@evaluate.button(ChooseKind, role=Role.MENTOR)
async def choose_kind(ctx: Ctx, tap: ChooseKind | None = None) -> Screen:
    year, today = _year(ctx), ctx.today()
    lines = [ctx.t("🧾 <b>Evaluations</b> · %(year)d", year=year.year)]
    buttons = []
    for kind in EvaluationKind:
        window = evaluation_window(kind, year)
        state = ctx.t(WINDOW_STATES[window.state(today)])
        lines.append(ctx.t("• %(kind)s: %(opens)s – %(closes)s (%(state)s)", kind=Msgid(KIND_LABELS[kind]),
                           opens=ctx.day(window.opens), closes=ctx.day(window.closes), state=state))
        buttons.append(Button(ctx.t(KIND_LABELS[kind]), EvaluationStudents(kind)))
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=1))


@evaluate.button(EvaluationStudents, role=Role.MENTOR)
async def choose_student(ctx: Ctx, tap: EvaluationStudents) -> Screen:
    kind = tap.kind
    year = _year(ctx)
    students = await people.students_of(ctx.session, ctx.me.id, "mentor")
    found = await evaluations.for_students(ctx.session, [s.id for s in students], kind, year.year)
    window = evaluation_window(kind, year)
    text = ctx.t("<b>%(kind)s</b>, open %(opens)s – %(closes)s. Choose a student (· not started, ✎ draft, "
                 "✓ submitted):", kind=Msgid(KIND_LABELS[kind]), opens=ctx.day(window.opens),
                 closes=ctx.day(window.closes))
    buttons = [Button(f"{EVALUATION_MARKS[found[s.id].status if s.id in found else None]} {s.name}",
                      OpenEvaluation(kind, s.id))
               for s in students if s.exited_at is None or s.id in found]
    if not buttons:
        text = ctx.t(NO_STUDENTS)
    return Screen(text, buttons=rows(*buttons) + rows(Button(ctx.t("« Back"), ChooseKind())))


def context_lines(ctx: Ctx, student: Person, kind: EvaluationKind, found: list[Any], first: date, last: date) -> str:
    """What the mentor needs beside the questions: the student's sessions and logs of the period."""
    confirmed = count_sessions([_activity(log) for log in found])
    lines = [ctx.t("<b>%(name)s</b>, %(first)s – %(last)s: %(done)d confirmed sessions, %(count)d growth logs.",
                   name=student.name, first=ctx.day(first), last=ctx.day(last), done=confirmed, count=len(found))]
    for log in found[-CONTEXT_LINES:]:
        lines.append(f"{status_icon(log)} {ctx.day(log.activity_date)} "
                     f"{esc(activity_label(ctx.t, log.kind))}: {esc(excerpt(log.did, 70))}")
    if len(found) > CONTEXT_LINES:
        lines.append(ctx.t("…and %(more)d earlier ones (👥 My students shows them all).",
                           more=len(found) - CONTEXT_LINES))
    return "\n".join(lines)


def _activity(log: Any) -> LoggedActivity:
    return LoggedActivity(LogStatus(log.status), ActivityKind(log.kind), log.activity_date, log.session_id)


@evaluate.button(OpenEvaluation, role=Role.MENTOR)
async def open_evaluation(ctx: Ctx, tap: OpenEvaluation) -> list[Screen]:
    kind = tap.kind
    student = await my_student(ctx, tap.student_id)
    year = _year(ctx)
    existing = await evaluations.get(ctx.session, student.id, kind, year.year)
    try:
        await _window_check(ctx, kind)
    except NotAllowed:
        if existing is None:
            raise
        return [review_screen(ctx, existing, student, editable=False)]
    evaluation = existing or await evaluations.start(ctx.session, student_id=student.id, mentor_id=ctx.me.id,
                                                     kind=kind, year=year.year, now=ctx.now())
    first, last = evaluated_period(kind, year, ctx.today())
    found = list(await logs.logs_of_student(ctx.session, student.id, first, last))
    ctx.state.begin(evaluate.name, Step.ANSWER, {"id": evaluation.id, "q": 0})
    screens = [Screen(context_lines(ctx, student, kind, found, first, last))]
    missing = missing_answers(kind, evaluation.answers)
    if not missing:
        ctx.state.goto(Step.REVIEW)
        screens.append(review_screen(ctx, evaluation, student))
    else:
        ctx.state.draft["q"] = QUESTIONS[kind].index(missing[0])
        screens.append(question_screen(ctx, evaluation, student))
    return screens


async def _current(ctx: Ctx, evaluation_id: int | None = None) -> tuple[Evaluation, Person]:
    """The evaluation being written; a button must name it, so an old message never edits another one."""
    draft = ctx.state.data.get(evaluate.name) or {}
    if evaluation_id is not None and evaluation_id != draft.get("id"):
        raise Stale(evaluate)
    return await _mine(ctx, int(draft.get("id", 0) or 0))


async def _mine(ctx: Ctx, evaluation_id: int, missing: str = NOT_YOURS) -> tuple[Evaluation, Person]:
    """An evaluation of one of this mentor's students, with the student (two lookups, both by key)."""
    evaluation = await evaluations.of_mentor(ctx.session, evaluation_id, ctx.me.id)
    student = await ctx.session.get(Person, evaluation.student_id) if evaluation else None
    if evaluation is None or student is None:
        raise NotFound(missing)
    return evaluation, student


def _question(evaluation: Evaluation, index: int) -> Question:
    questions = QUESTIONS[EvaluationKind(evaluation.kind)]
    if not 0 <= index < len(questions):
        raise NotFound()
    return questions[index]


def question_screen(ctx: Ctx, evaluation: Evaluation, student: Person) -> Screen:
    kind = EvaluationKind(evaluation.kind)
    index = int(ctx.state.draft["q"])
    q = _question(evaluation, index)
    total = len(QUESTIONS[kind])
    lines = [ctx.t("%(kind)s · %(name)s · %(n)d/%(total)d", kind=Msgid(KIND_LABELS[kind]), name=student.name,
                   n=index + 1, total=total), f"<b>{ctx.t(q.prompt)}</b>"]
    current = evaluation.answers.get(q.key)
    buttons: list[Button | None] = []
    if q.choices:
        buttons += [Button(("● " if current == value else "") + ctx.t(label),
                           AnswerChoice(evaluation.id, index, value)) for value, label in q.choices]
    else:
        lines.append(ctx.t("Type your answer (up to %(limit)d characters).", limit=q.limit))
        if current:
            lines.append(ctx.t("Now: «%(excerpt)s». A new message replaces it; “Next” keeps it.",
                               excerpt=excerpt(current, 80)))
    nav = [Button(ctx.t("« Back"), GoToQuestion(evaluation.id, index - 1)) if index > 0 else None,
           Button(ctx.t("Next ▶"), GoToQuestion(evaluation.id, index + 1))
           if current and index + 1 < total else None,
           Button(ctx.t("Review ▶"), ShowReview(evaluation.id)) if current and index + 1 == total else None,
           Button(ctx.t("💾 Save draft, finish later"), PauseEvaluation(evaluation.id))]
    ctx.state.goto(Step.ANSWER)
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=2) + rows(*nav, per_row=2))


@evaluate.prompt(Step.ANSWER)
async def reask(ctx: Ctx) -> Screen:
    evaluation, student = await _current(ctx)
    return question_screen(ctx, evaluation, student)


async def _save_answer(ctx: Ctx, evaluation: Evaluation, student: Person, value: str) -> Screen:
    kind = EvaluationKind(evaluation.kind)
    await _window_check(ctx, kind)
    index = int(ctx.state.draft["q"])
    q = _question(evaluation, index)
    await evaluations.answer(ctx.session, evaluation, q.key, check_answer(q, value), ctx.me.id, ctx.now())
    if kind is EvaluationKind.MIDTERM and evaluation.status == EvaluationStatus.SUBMITTED.value:
        apply_midterm_result(student, evaluation, ctx.now())  # a corrected result takes effect at once
    missing = missing_answers(kind, evaluation.answers)
    if evaluation.status == EvaluationStatus.SUBMITTED.value or not missing:
        return review_screen(ctx, evaluation, student, saved=True)
    ctx.state.draft["q"] = QUESTIONS[kind].index(missing[0]) if index + 1 >= len(QUESTIONS[kind]) else index + 1
    return question_screen(ctx, evaluation, student)


@evaluate.text(Step.ANSWER)
async def take_text(ctx: Ctx, text: str) -> Screen:
    evaluation, student = await _current(ctx)
    if _question(evaluation, int(ctx.state.draft["q"])).choices:
        raise InvalidInput(N_("Please use the buttons below."))
    return await _save_answer(ctx, evaluation, student, text)


@evaluate.button(AnswerChoice, role=Role.MENTOR, steps=(Step.ANSWER,))
async def take_choice(ctx: Ctx, tap: AnswerChoice) -> Screen:
    evaluation, student = await _current(ctx, tap.evaluation_id)
    if tap.index != ctx.state.draft.get("q"):  # the choice of another question than the one asked now
        raise Stale(evaluate)
    return await _save_answer(ctx, evaluation, student, tap.value)


@evaluate.button(GoToQuestion, role=Role.MENTOR, steps=(Step.ANSWER, Step.REVIEW))
async def go_to_question(ctx: Ctx, tap: GoToQuestion) -> Screen:
    evaluation, student = await _current(ctx, tap.evaluation_id)
    await _window_check(ctx, EvaluationKind(evaluation.kind))
    _question(evaluation, tap.index)
    ctx.state.draft["q"] = tap.index
    return question_screen(ctx, evaluation, student)


@evaluate.button(PauseEvaluation, role=Role.MENTOR, steps=(Step.ANSWER,))
async def pause(ctx: Ctx, tap: PauseEvaluation) -> Screen:
    evaluation, student = await _current(ctx, tap.evaluation_id)
    ctx.state.pause()
    return Screen(ctx.t("💾 Saved as a draft. Continue any time from “🧾 Evaluations” → %(kind)s → %(name)s.",
                        kind=Msgid(KIND_LABELS[EvaluationKind(evaluation.kind)]), name=student.name))


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
        Button(ctx.t("✏️ Change an answer"), ChangeAnswer(evaluation.id)) if editable else None,
        Button(ctx.t("📋 Copy for the platform"), CopyEvaluation(evaluation.id)) if submitted else None,
        Button(ctx.t("« Students"), EvaluationStudents(kind)))
    return Screen("\n\n".join(lines), buttons=buttons)


@evaluate.button(ShowReview, role=Role.MENTOR, steps=(Step.ANSWER, Step.REVIEW))
async def show_review(ctx: Ctx, tap: ShowReview) -> Screen:
    evaluation, student = await _current(ctx, tap.evaluation_id)
    return review_screen(ctx, evaluation, student)


@evaluate.button(ChangeAnswer, role=Role.MENTOR, steps=(Step.REVIEW,))
async def choose_answer_to_change(ctx: Ctx, tap: ChangeAnswer) -> Screen:
    evaluation, _ = await _current(ctx, tap.evaluation_id)
    await _window_check(ctx, EvaluationKind(evaluation.kind))
    questions = QUESTIONS[EvaluationKind(evaluation.kind)]
    return Screen(ctx.t("Which answer do you want to change?"),
                  buttons=rows(*(Button(ctx.t(q.title), GoToQuestion(evaluation.id, i))
                                 for i, q in enumerate(questions)),
                               Button(ctx.t("« Back to review"), ShowReview(evaluation.id)), per_row=1))


@evaluate.button(SubmitEvaluation, role=Role.MENTOR, steps=(Step.REVIEW,))
async def submit(ctx: Ctx, tap: SubmitEvaluation) -> Screen:
    evaluation, student = await _current(ctx, tap.evaluation_id)
    kind = EvaluationKind(evaluation.kind)
    await _window_check(ctx, kind)
    missing = missing_answers(kind, evaluation.answers)
    if missing:
        raise InvalidInput(N_("Some answers are missing: %(list)s."),
                           list=ctx.t(", ").join(ctx.t.raw(q.title) for q in missing))
    await evaluations.submit(ctx.session, evaluation, ctx.me.id, ctx.now())
    if kind is EvaluationKind.MIDTERM:
        apply_midterm_result(student, evaluation, ctx.now())
    screen = review_screen(ctx, evaluation, student)
    note = ctx.t("✅ Submitted. You can still change it until %(closes)s.",
                 closes=ctx.day(evaluation_window(kind, _year(ctx)).closes))
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
    evaluation, student = await _mine(ctx, tap.evaluation_id)
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
    evaluation, _ = await _mine(ctx, tap.evaluation_id)
    await evaluations.mark_platform(ctx.session, evaluation, ctx.me.id, ctx.now())
    return Screen(ctx.t("Marked as submitted on the national platform ✓"), replace=True)
