"""A mentor's students: sessions N/10, logs this month, last log, evaluation status; their logs page by page."""
from __future__ import annotations

from datetime import date

from handlers.kit import Button, Ctx, Flow, Payload, Screen, esc, pager, rows
from handlers.views.links import MyStudents
from handlers.views.logs import attachment_screens, draft_of, log_button_label, status_line, summary
from handlers.views.students import EVALUATION_MARKS, NO_STUDENTS, SHORT_KIND, my_student, page_of
from program.calendar import ProgramYear
from program.errors import NotFound
from program.evaluations import current_kind, evaluation_window, next_kind
from program.i18n import N_
from program.roles import Role
from program.sessions import progress_of
from storage import evaluations, logs, people

mentor = Flow("mst")
PAGE = 5


class StudentLogs(Payload, flow="mst", action="logs"):
    student_id: int
    page: int = 0


class ReadLog(Payload, flow="mst", action="log"):
    log_id: int


def window_line(ctx: Ctx, year: ProgramYear, today: date) -> str:
    """The evaluation open now, or that none is and which opens next."""
    kind = current_kind(year, today)
    if kind:
        return ctx.t("%(kind)s evaluation open until %(day)s", kind=ctx.t(SHORT_KIND[kind]),
                     day=ctx.day(evaluation_window(kind, year).closes))
    coming = next_kind(year, today)
    if coming:
        return ctx.t("no evaluation open now; the %(kind)s one opens %(day)s", kind=ctx.t(SHORT_KIND[coming]),
                     day=ctx.day(evaluation_window(coming, year).opens))
    return ctx.t("this year's evaluation windows have closed")


@mentor.command("students", role=Role.MENTOR)
@mentor.button(MyStudents, role=Role.MENTOR)
async def my_students(ctx: Ctx, tap: MyStudents | None = None) -> Screen:
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    everyone = list(await people.students_of(ctx.session, ctx.me.id, "mentor"))
    if not everyone:
        return Screen(ctx.t(NO_STUDENTS))
    students, page, pages = page_of(everyone, tap.page if tap else 0)
    ids = [s.id for s in students]
    found = await logs.activities(ctx.session, ids, *year.training, shared_only=True)
    kind = current_kind(year, today)
    evals = await evaluations.for_students(ctx.session, ids, kind, year.year) if kind else {}
    lines = [ctx.t("👥 <b>My students</b> · %(year)d · %(window)s", year=year.year,
                   window=window_line(ctx, year, today))]
    for student in students:
        facts = progress_of(found[student.id], today)
        status = evals.get(student.id)
        line = ctx.t("%(name)s (%(school)s, %(grade)s): sessions %(done)d/%(required)d · %(month)d logs this "
                     "month · last %(last)s", name=student.name, school=student.school.name,
                     grade=student.grade or "—", done=facts.confirmed, required=year.sessions_required,
                     month=facts.this_month, last=ctx.day(facts.last_activity) if facts.last_activity else "—")
        if kind:
            line += ctx.t(" · evaluation %(mark)s", mark=EVALUATION_MARKS[status.status if status else None])
        lines.append(line + (ctx.t(" (left the program)") if student.exited_at else ""))
    if kind:
        lines.append(ctx.t("Evaluation: · not started, ✎ draft, ✓ submitted. Tap a student to read their logs."))
    else:
        lines.append(ctx.t("Tap a student to read their logs."))
    if pages > 1:
        lines.append(ctx.t("Page %(page)d of %(pages)d.", page=page + 1, pages=pages))
    nav = pager(page, page + 1 < pages, MyStudents)
    return Screen("\n".join(lines), buttons=rows(*(Button(f"👤 {s.name}", StudentLogs(s.id))
                                                   for s in students)) + rows(*nav),
                  replace=tap is not None and tap.page > 0)


@mentor.button(StudentLogs, role=Role.MENTOR)
async def student_logs(ctx: Ctx, tap: StudentLogs) -> Screen:
    student = await my_student(ctx, tap.student_id)
    number = tap.page
    found, total = await logs.page_of_logs(ctx.session, student.id, number * PAGE, PAGE, shared_only=True)
    pages = max(1, (total + PAGE - 1) // PAGE)
    text = ctx.t("📚 <b>%(name)s</b>: %(total)d growth logs, page %(page)d of %(pages)d.", name=student.name,
                 total=total, page=number + 1, pages=pages)
    buttons = [Button(log_button_label(ctx, log), ReadLog(log.id)) for log in found]
    nav = [*pager(number, number + 1 < pages, lambda n: StudentLogs(student.id, n)),
           Button(ctx.t("« My students"), MyStudents())]
    return Screen(text, buttons=rows(*buttons, per_row=1) + rows(*nav, per_row=3), replace=True)


@mentor.button(ReadLog, role=Role.MENTOR)
async def read_log(ctx: Ctx, tap: ReadLog) -> list[Screen]:
    log = await logs.log_of_mentor(ctx.session, tap.log_id, ctx.me.id)
    if log is None:
        raise NotFound(N_("Log not found. It may have been removed, or it is not from your students."))
    student = await my_student(ctx, log.student_id)
    head = f"<b>{esc(student.name)}</b>\n{status_line(ctx, log)}"
    return [Screen(f"{head}\n{summary(ctx, draft_of(log))}",
                   buttons=rows(Button(ctx.t("« Back to the logs"), StudentLogs(student.id)))),
            *attachment_screens(log)]
