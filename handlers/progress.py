"""A student's progress and deadlines: confirmed sessions out of N, logs, evaluations, what is next."""
from __future__ import annotations

from datetime import date
from typing import Any

from handlers.kit import Button, Ctx, Flow, Screen, rows
from handlers.views.links import EditLog, NewLog, ShowDeadlines
from handlers.views.logs import activity_label
from program.calendar import Milestone, ProgramYear
from program.evaluations import KIND_LABELS, EvaluationKind, EvaluationStatus, evaluation_window
from program.i18n import Msgid, Safe
from program.roles import Role
from program.sessions import Progress, progress_of
from storage import evaluations, logs
from storage import sessions as training

progress = Flow("progress")


async def student_progress(ctx: Ctx, student_id: int, today: date) -> Progress:
    year = ctx.services.calendar.for_date(today)
    return progress_of((await logs.activities(ctx.session, [student_id], *year.training))[student_id], today)


def bar(done: int, total: int) -> str:
    filled = min(done, total)
    return "▰" * filled + "▱" * (total - filled)


def days_left(ctx: Ctx, milestone: Milestone, today: date) -> str:
    days = milestone.days_left(today)
    if days == 0:
        return ctx.t("due today")
    return ctx.t.plural("%(n)d day left", "%(n)d days left", days)


def upcoming(ctx: Ctx, year: ProgramYear, today: date) -> list[Milestone]:
    return [m for m in year.milestones() if m.due >= today and m.audience & ctx.roles]


def evaluation_state(ctx: Ctx, kind: EvaluationKind, evaluation: Any, year: ProgramYear, today: date) -> str:
    """Submitted, being written, not open yet, open, or closed without a submission: never "not started" after."""
    if evaluation is not None and evaluation.status == EvaluationStatus.SUBMITTED.value:
        if kind is EvaluationKind.MIDTERM:  # the result itself: a fail means leaving the program
            passed = evaluation.answers.get("result") == "pass"
            return ctx.t("passed ✓") if passed else ctx.t("not passed (left the program)")
        return ctx.t("done ✓")
    window = evaluation_window(kind, year)
    state = window.state(today)
    if state == "closed":
        return ctx.t("not submitted (closed)")
    if state == "not yet":
        return ctx.t("opens %(day)s", day=ctx.day(window.opens))
    if evaluation is not None:
        return ctx.t("your mentor is writing it (due %(day)s)", day=ctx.day(window.closes))
    return ctx.t("open now, not written yet (due %(day)s)", day=ctx.day(window.closes))


@progress.command("progress", role=Role.STUDENT)
async def show_progress(ctx: Ctx) -> Screen:
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    facts = await student_progress(ctx, ctx.me.id, today)
    required = year.sessions_required
    lines = [ctx.t("📈 <b>My progress</b> · %(year)d", year=year.year),
             ctx.t("Confirmed sessions: %(done)d/%(required)d", done=facts.confirmed, required=required),
             bar(facts.confirmed, required)]
    if ctx.me.exited_at is not None:
        lines.insert(1, ctx.t("⚠️ You have left the program (since %(day)s): new growth logs cannot be filed.",
                              day=ctx.me.exited_at.astimezone(ctx.services.zone).date()))
    if facts.pending:
        lines.append(ctx.t.plural("%(n)d more waiting for your teacher's confirmation",
                                  "%(n)d more waiting for your teacher's confirmation", facts.pending))
    lines.append(ctx.t.plural("Growth logs: %(n)d (%(month)d this month)", "Growth logs: %(n)d (%(month)d this month)",
                              facts.logs, month=facts.this_month))
    if facts.last_activity:
        lines.append(ctx.t("Last activity logged: %(day)s", day=ctx.day(facts.last_activity)))
    fixes: list[Button] = []
    returned = await logs.sent_back(ctx.session, ctx.me.id)
    if returned:  # a log waiting for the student's fix is said here, with the teacher's words
        lines.append("\n" + ctx.t.plural("↩️ <b>%(n)d log sent back</b>: fix it and it goes back to your teacher.",
                                          "↩️ <b>%(n)d logs sent back</b>: fix them and they go back to your teacher.",
                                          len(returned)))
        for log in returned:
            lines.append(ctx.t("• %(day)s %(kind)s: “%(reason)s”", day=ctx.day(log.activity_date),
                               kind=activity_label(ctx.t, log.kind), reason=log.reject_reason or "—"))
            fixes.append(Button(ctx.t.plain("✏️ Fix %(day)s %(kind)s", day=ctx.day(log.activity_date),
                                            kind=activity_label(ctx.t, log.kind)), EditLog(log.id)))
    found = await evaluations.of_student(ctx.session, ctx.me.id, year.year)
    lines.append("\n" + ctx.t("<b>Evaluations</b>"))
    for kind in EvaluationKind:
        state = evaluation_state(ctx, kind, found.get(kind.value), year, today)
        lines.append(ctx.t("• %(kind)s: %(state)s", kind=Msgid(KIND_LABELS[kind]), state=Safe(state)))
    coming = upcoming(ctx, year, today)
    if coming:
        nxt = coming[0]
        lines.append("\n" + ctx.t("Next milestone: %(title)s, %(day)s (%(left)s)", title=ctx.t.raw(nxt.title),
                                  day=ctx.day(nxt.due), left=days_left(ctx, nxt, today)))
    return Screen("\n".join(lines), buttons=rows(*fixes, per_row=1) + rows(
        Button(ctx.t("📝 New growth log"), NewLog()), Button(ctx.t("⏰ Deadlines"), ShowDeadlines())))


deadlines = Flow("deadlines")


@deadlines.command("deadlines", role=(Role.STUDENT, Role.MENTOR, Role.TEACHER))
@deadlines.button(ShowDeadlines, role=(Role.STUDENT, Role.MENTOR, Role.TEACHER))
async def show_deadlines(ctx: Ctx, tap: ShowDeadlines | None = None) -> Screen:
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    lines = [ctx.t("⏰ <b>Deadlines</b> · today is %(day)s", day=ctx.day(today, year=True))]
    personal: list[str] = []
    if Role.STUDENT in ctx.roles:
        for held in await training.sessions_to_log(ctx.session, ctx.me.id, ctx.now(), days=14):
            personal.append(ctx.t("📝 Log the session of %(day)s: %(topic)s",
                                  day=ctx.day(held.starts_at.astimezone(ctx.services.zone).date()), topic=held.topic))
        facts = await student_progress(ctx, ctx.me.id, today)
        missing = year.sessions_required - facts.confirmed
        end = year.training[1]
        if missing > 0 and end >= today:
            personal.append(ctx.t.plural(
                "🎯 %(n)d more confirmed session by %(day)s (%(left)s)",
                "🎯 %(n)d more confirmed sessions by %(day)s (%(left)s)", missing, day=ctx.day(end),
                left=ctx.t.plural("%(n)d day left", "%(n)d days left", (end - today).days)))
    lines += personal
    coming = upcoming(ctx, year, today)
    if coming:
        if personal:
            lines.append("")
        for milestone in coming:
            window = ctx.t(" (open now)") if milestone.starts and milestone.starts <= today else ""
            lines.append(ctx.t("• %(title)s%(open)s: %(day)s, %(left)s", title=ctx.t.raw(milestone.title),
                               open=window, day=ctx.day(milestone.due), left=days_left(ctx, milestone, today)))
    if len(lines) == 1:
        lines.append(ctx.t("Nothing is due for the rest of this program year."))
    return Screen("\n".join(lines))

