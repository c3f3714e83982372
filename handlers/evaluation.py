"""A mentor's evaluations (初期, 中期, 年度): step by step, saved at every answer, reviewed, submitted, edited in the window."""
from __future__ import annotations

from datetime import date
from typing import Any

from handlers.kit import Button, Ctx, Flow, Screen, esc, excerpt, int_arg, rows
from handlers.mentor import EVALUATION_MARKS, NO_STUDENTS, my_student
from handlers.student_log import activity_label, status_icon
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

evaluate = Flow("ev")
NOT_YOURS = N_("Not found. It may have been removed, or it is not yours.")
WINDOW_STATES = {"open": N_("open now"), "not yet": N_("not open yet"), "closed": N_("closed")}
CONTEXT_LINES = 8


def _kind(value: str) -> EvaluationKind:
    try:
        return EvaluationKind(value)
    except ValueError:
        raise NotFound() from None


def _year(ctx: Ctx):  # noqa: ANN202 - a ProgramYear
    return ctx.services.calendar.for_date(ctx.today())


async def _window_check(ctx: Ctx, kind: EvaluationKind) -> None:
    year = _year(ctx)
    reopened = await evaluations.reopened_for(ctx.session, ctx.me.id, KIND_WINDOWS[kind].value, year.year)
    ensure_window_open(kind, evaluation_window(kind, year), ctx.today(), reopened)


@evaluate.command("evaluate", role=Role.MENTOR)
@evaluate.button("kinds", role=Role.MENTOR)
async def choose_kind(ctx: Ctx) -> Screen:
    year, today = _year(ctx), ctx.today()
    lines = [ctx.t("🧾 <b>Evaluations</b> · %(year)d", year=year.year)]
    buttons = []
    for kind in EvaluationKind:
        window = evaluation_window(kind, year)
        state = ctx.t(WINDOW_STATES[window.state(today)])
        lines.append(ctx.t("• %(kind)s: %(opens)s – %(closes)s (%(state)s)", kind=Msgid(KIND_LABELS[kind]),
                           opens=ctx.day(window.opens), closes=ctx.day(window.closes), state=state))
        buttons.append(Button(ctx.t(KIND_LABELS[kind]), evaluate.payload("kind", kind.value)))
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=1))


@evaluate.button("kind", role=Role.MENTOR)
async def choose_student(ctx: Ctx, kind_value: str) -> Screen:
    kind = _kind(kind_value)
    year = _year(ctx)
    students = await people.students_of(ctx.session, ctx.me.id, "mentor")
    found = await evaluations.for_students(ctx.session, [s.id for s in students], kind, year.year)
    window = evaluation_window(kind, year)
    text = ctx.t("<b>%(kind)s</b>, open %(opens)s – %(closes)s. Choose a student (· not started, ✎ draft, "
                 "✓ submitted):", kind=Msgid(KIND_LABELS[kind]), opens=ctx.day(window.opens),
                 closes=ctx.day(window.closes))
    buttons = [Button(f"{EVALUATION_MARKS[found[s.id].status if s.id in found else None]} {s.name}",
                      evaluate.payload("open", kind.value, s.id))
               for s in students if s.exited_at is None or s.id in found]
    if not buttons:
        text = ctx.t(NO_STUDENTS)
    return Screen(text, buttons=rows(*buttons) + rows(Button(ctx.t("« Back"), evaluate.payload("kinds"))))


def context_lines(ctx: Ctx, student: Person, kind: EvaluationKind, found: list[Any], first: date, last: date) -> str:
    """What the mentor needs beside the questions: the student's sessions and logs of the period."""
    confirmed = count_sessions([_activity(log) for log in found])
    lines = [ctx.t("<b>%(name)s</b>, %(first)s – %(last)s: %(done)d confirmed sessions, %(count)d growth logs.",
                   name=student.name, first=ctx.day(first), last=ctx.day(last), done=confirmed, count=len(found))]
    for log in found[-CONTEXT_LINES:]:
        lines.append(f"{status_icon(log)} {ctx.day(log.activity_date)} "
                     f"{esc(activity_label(ctx.t, log.kind))}: {esc(excerpt(log.did, 70))}")
    if len(found) > CONTEXT_LINES:
        lines.append(ctx.t("…and %(more)d earlier ones (👥 My students shows them all).", more=len(found) - CONTEXT_LINES))
    return "\n".join(lines)


def _activity(log: Any) -> LoggedActivity:
    return LoggedActivity(LogStatus(log.status), ActivityKind(log.kind), log.activity_date, log.session_id)


@evaluate.button("open", role=Role.MENTOR)
async def open_evaluation(ctx: Ctx, kind_value: str, student_id: str) -> list[Screen]:
    kind = _kind(kind_value)
    student = await my_student(ctx, student_id)
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
    ctx.state.begin(evaluate.name, "answer", {"id": evaluation.id, "q": 0})
    screens = [Screen(context_lines(ctx, student, kind, found, first, last))]
    missing = missing_answers(kind, evaluation.answers)
    if not missing:
        ctx.state.goto("review")
        screens.append(review_screen(ctx, evaluation, student))
    else:
        ctx.state.draft["q"] = QUESTIONS[kind].index(missing[0])
        screens.append(question_screen(ctx, evaluation, student))
    return screens


STALE = N_("That button belongs to an earlier message. Send /evaluate to continue.")


async def _current(ctx: Ctx, evaluation_id: str | None = None) -> tuple[Evaluation, Person]:
    """The evaluation being written; a button must name it, so an old message never edits another one."""
    draft = ctx.state.data.get(evaluate.name) or {}
    if evaluation_id is not None and int_arg(evaluation_id) != draft.get("id"):
        raise NotFound(STALE)
    return await _mine(ctx, int(draft.get("id", 0) or 0), STALE)


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
                           evaluate.payload("a", evaluation.id, index, value)) for value, label in q.choices]
    else:
        lines.append(ctx.t("Type your answer (up to %(limit)d characters).", limit=q.limit))
        if current:
            lines.append(ctx.t("Now: «%(excerpt)s». A new message replaces it; “Next” keeps it.",
                               excerpt=excerpt(current, 80)))
    nav = [Button(ctx.t("« Back"), evaluate.payload("q", evaluation.id, index - 1)) if index > 0 else None,
           Button(ctx.t("Next ▶"), evaluate.payload("q", evaluation.id, index + 1))
           if current and index + 1 < total else None,
           Button(ctx.t("Review ▶"), evaluate.payload("review", evaluation.id)) if current and index + 1 == total else None,
           Button(ctx.t("💾 Save draft, finish later"), evaluate.payload("pause", evaluation.id))]
    ctx.state.goto("answer")
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=2) + rows(*nav, per_row=2))


@evaluate.prompt("answer")
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


@evaluate.text("answer")
async def take_text(ctx: Ctx, text: str) -> Screen:
    evaluation, student = await _current(ctx)
    if _question(evaluation, int(ctx.state.draft["q"])).choices:
        raise InvalidInput(N_("Please use the buttons below."))
    return await _save_answer(ctx, evaluation, student, text)


@evaluate.button("a", role=Role.MENTOR)
async def take_choice(ctx: Ctx, evaluation_id: str, index: str, value: str) -> Screen:
    evaluation, student = await _current(ctx, evaluation_id)
    if ctx.state.step != "answer" or int_arg(index) != ctx.state.draft.get("q"):
        raise NotFound(STALE)
    return await _save_answer(ctx, evaluation, student, value)


@evaluate.button("q", role=Role.MENTOR)
async def go_to_question(ctx: Ctx, evaluation_id: str, index: str) -> Screen:
    evaluation, student = await _current(ctx, evaluation_id)
    await _window_check(ctx, EvaluationKind(evaluation.kind))
    _question(evaluation, int_arg(index))
    ctx.state.draft["q"] = int_arg(index)
    return question_screen(ctx, evaluation, student)


@evaluate.button("pause", role=Role.MENTOR)
async def pause(ctx: Ctx, evaluation_id: str) -> Screen:
    evaluation, student = await _current(ctx, evaluation_id)
    ctx.state.pause()
    return Screen(ctx.t("💾 Saved as a draft. Continue any time from “🧾 Evaluations” → %(kind)s → %(name)s.",
                        kind=Msgid(KIND_LABELS[EvaluationKind(evaluation.kind)]), name=student.name))


def answer_text(ctx: Ctx, q: Question, value: str | None) -> str:
    if value is None:
        return "—"
    if q.choices:
        return ctx.t(dict(q.choices).get(value, value))
    return value


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
        ctx.state.goto("review")
    else:
        lines.append(ctx.t("The window is closed, so this can no longer be changed."))
    buttons = rows(
        Button(ctx.t("✅ Submit"), evaluate.payload("submit", evaluation.id)) if editable and not submitted else None,
        Button(ctx.t("✏️ Change an answer"), evaluate.payload("change", evaluation.id)) if editable else None,
        Button(ctx.t("📋 Copy for the platform"), evaluate.payload("copy", evaluation.id)) if submitted else None,
        Button(ctx.t("« Students"), evaluate.payload("kind", kind.value)))
    return Screen("\n\n".join(lines), buttons=buttons)


@evaluate.button("review", role=Role.MENTOR)
async def show_review(ctx: Ctx, evaluation_id: str) -> Screen:
    evaluation, student = await _current(ctx, evaluation_id)
    return review_screen(ctx, evaluation, student)


@evaluate.button("change", role=Role.MENTOR)
async def choose_answer_to_change(ctx: Ctx, evaluation_id: str) -> Screen:
    evaluation, _ = await _current(ctx, evaluation_id)
    await _window_check(ctx, EvaluationKind(evaluation.kind))
    questions = QUESTIONS[EvaluationKind(evaluation.kind)]
    return Screen(ctx.t("Which answer do you want to change?"),
                  buttons=rows(*(Button(ctx.t(q.title), evaluate.payload("q", evaluation.id, i))
                                 for i, q in enumerate(questions)),
                               Button(ctx.t("« Back to review"), evaluate.payload("review", evaluation.id)), per_row=1))


@evaluate.button("submit", role=Role.MENTOR)
async def submit(ctx: Ctx, evaluation_id: str) -> Screen:
    evaluation, student = await _current(ctx, evaluation_id)
    if ctx.state.step != "review":
        raise NotFound(STALE)
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


def apply_midterm_result(student: Person, evaluation: Evaluation, now: Any) -> None:
    """A failed mid-term means leaving the program (kept in the records); a corrected pass brings them back."""
    failed = evaluation.answers.get("result") == "fail"
    if failed and student.exited_at is None:
        student.exited_at = now
    elif not failed and student.exited_at is not None:
        student.exited_at = None


@evaluate.button("copy", role=Role.MENTOR)
async def copy_for_platform(ctx: Ctx, evaluation_id: str) -> Screen:
    evaluation, student = await _mine(ctx, int_arg(evaluation_id))
    kind = EvaluationKind(evaluation.kind)
    body = "\n".join(ctx.t("%(title)s: %(value)s", title=Msgid(q.title),
                           value=answer_text(ctx, q, evaluation.answers.get(q.key))) for q in QUESTIONS[kind])
    header = ctx.t("Copy this into the %(kind)s form for %(name)s on the national platform:",
                   kind=Msgid(KIND_LABELS[kind]), name=student.name)
    done = evaluation.platform_submitted_at is not None
    return Screen(f"{header}\n<pre>{body}</pre>",
                  buttons=rows(Button(ctx.t("Marked as submitted ✓") if done else ctx.t("✓ Submitted on the platform"),
                                      evaluate.payload("plat", evaluation.id))))


@evaluate.button("plat", role=Role.MENTOR)
async def mark_platform(ctx: Ctx, evaluation_id: str) -> Screen:
    evaluation, _ = await _mine(ctx, int_arg(evaluation_id))
    await evaluations.mark_platform(ctx.session, evaluation, ctx.me.id, ctx.now())
    return Screen(ctx.t("Marked as submitted on the national platform ✓"), replace=True)
