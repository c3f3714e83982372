"""Choosing what to evaluate: the window, the student, then the student's period beside the first question."""
from __future__ import annotations

from datetime import date

from handlers.evaluation.form import (
    QUESTION_STEPS,
    ChooseKind,
    OpenEvaluation,
    Step,
    evaluate,
    form,
    window_check,
    year_now,
)
from handlers.evaluation.review import review_screen
from handlers.kit import Button, Ctx, Screen, esc, excerpt, pager, rows
from handlers.views.links import EvaluationStudents
from handlers.views.logs import activity_label, status_icon
from handlers.views.students import EVALUATION_MARKS, NO_STUDENTS, my_student, page_of
from program.errors import NotAllowed
from program.evaluations import (
    KIND_LABELS,
    QUESTIONS,
    EvaluationKind,
    evaluated_period,
    evaluation_window,
    missing_answers,
)
from program.growth_log import ActivityKind, LogStatus
from program.i18n import N_, Msgid
from program.roles import Role
from program.sessions import LoggedActivity, count_sessions
from storage import evaluations, logs, people
from storage.models import GrowthLog, Person

WINDOW_STATES = {"open": N_("open now"), "not yet": N_("not open yet"), "closed": N_("closed")}
CONTEXT_LINES = 8


@evaluate.command("evaluate", role=Role.MENTOR)
@evaluate.button(ChooseKind, role=Role.MENTOR)
async def choose_kind(ctx: Ctx, tap: ChooseKind | None = None) -> Screen:
    year, today = year_now(ctx), ctx.today()
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
    year = year_now(ctx)
    everyone = await people.students_of(ctx.session, ctx.me.id, "mentor")
    found = await evaluations.for_students(ctx.session, [s.id for s in everyone], kind, year.year)
    students, page, pages = page_of([s for s in everyone if s.exited_at is None or s.id in found], tap.page)
    window = evaluation_window(kind, year)
    text = ctx.t("<b>%(kind)s</b>, open %(opens)s – %(closes)s. Choose a student (· not started, ✎ draft, "
                 "✓ submitted):", kind=Msgid(KIND_LABELS[kind]), opens=ctx.day(window.opens),
                 closes=ctx.day(window.closes))
    buttons = [Button(f"{EVALUATION_MARKS[found[s.id].status if s.id in found else None]} {s.name}",
                      OpenEvaluation(kind, s.id)) for s in students]
    if not buttons:
        text = ctx.t(NO_STUDENTS)
    elif pages > 1:
        text += "\n" + ctx.t("Page %(page)d of %(pages)d.", page=page + 1, pages=pages)
    nav = [*pager(page, page + 1 < pages, lambda n: EvaluationStudents(kind, n)),
           Button(ctx.t("« Back"), ChooseKind())]
    return Screen(text, buttons=rows(*buttons) + rows(*nav, per_row=3))


def context_lines(ctx: Ctx, student: Person, found: list[GrowthLog], first: date, last: date) -> str:
    """What the mentor needs beside the questions: the student's sessions and logs of the period."""
    confirmed = count_sessions([LoggedActivity(LogStatus(log.status), ActivityKind(log.kind), log.activity_date,
                                               log.session_id) for log in found])
    lines = [ctx.t("<b>%(name)s</b>, %(first)s – %(last)s: %(done)d confirmed sessions, %(count)d growth logs.",
                   name=student.name, first=ctx.day(first), last=ctx.day(last), done=confirmed, count=len(found))]
    for log in found[-CONTEXT_LINES:]:
        lines.append(f"{status_icon(log)} {ctx.day(log.activity_date)} "
                     f"{esc(activity_label(ctx.t, log.kind))}: {esc(excerpt(log.did, 70))}")
    if len(found) > CONTEXT_LINES:
        lines.append(ctx.t("…and %(more)d earlier ones (👥 My students shows them all).",
                           more=len(found) - CONTEXT_LINES))
    return "\n".join(lines)


@evaluate.button(OpenEvaluation, role=Role.MENTOR)
async def open_evaluation(ctx: Ctx, tap: OpenEvaluation) -> list[Screen]:
    kind = tap.kind
    student = await my_student(ctx, tap.student_id)
    year = year_now(ctx)
    existing = await evaluations.get(ctx.session, student.id, kind, year.year)
    try:
        await window_check(ctx, kind)
    except NotAllowed:
        if existing is None:
            raise
        return [review_screen(ctx, existing, student, editable=False)]
    evaluation = existing or await evaluations.start(ctx.session, student_id=student.id, mentor_id=ctx.me.id,
                                                     kind=kind, year=year.year, now=ctx.now())
    first, last = evaluated_period(kind, year, ctx.today())
    found = list(await logs.logs_of_student(ctx.session, student.id, first, last))
    ctx.state.begin(evaluate.name, None, {"id": evaluation.id, "kind": kind.value, "student": student.name})
    screens = [Screen(context_lines(ctx, student, found, first, last))]
    missing = missing_answers(kind, evaluation.answers)
    if not missing:
        ctx.state.goto(Step.REVIEW)
        screens.append(review_screen(ctx, evaluation, student))
    else:
        screens.append(await form.ask(ctx, QUESTION_STEPS[QUESTIONS[kind].index(missing[0])]))
    return screens
