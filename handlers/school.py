"""A guidance teacher's school: each student's confirmed sessions and last log, who is behind, a nudge."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Payload, Screen, pager, rows
from handlers.teacher import teacher
from handlers.views.links import NewLog
from handlers.views.students import page_of
from program.errors import NotFound
from program.i18n import Translator
from program.roles import Role
from program.sessions import expected_by, progress_of
from storage import logs, outbox, people
from storage.models import Person


class Nudge(Payload, flow="tch", action="nudge"):
    student_id: int


class SchoolPage(Payload, flow="tch", action="school"):
    page: int


@teacher.command("school", role=Role.TEACHER)
async def school_overview(ctx: Ctx) -> Screen:
    return await school_page(ctx, 0)


@teacher.button(SchoolPage, role=Role.TEACHER)
async def turn_school_page(ctx: Ctx, tap: SchoolPage) -> Screen:
    return await school_page(ctx, tap.page, replace=True)


async def school_page(ctx: Ctx, page: int, *, replace: bool = False) -> Screen:
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    start, end = year.training
    students = [s for s in await people.students_of_teacher(ctx.session, ctx.me.id) if s.exited_at is None]
    if not students:
        return Screen(ctx.t("No students of your school are in the roster yet."))
    total = len(students)
    students, page, pages = page_of(students, page)  # ≤ 100 buttons even for a big school
    found = await logs.activities(ctx.session, [s.id for s in students], start, end, shared_only=True)
    pace = expected_by(today, start, end, year.sessions_required)
    lines = [ctx.t("🏫 <b>%(school)s</b> · %(count)d students · pace needed today: %(pace)d/%(required)d",
                   school=ctx.me.school.name, count=total, pace=pace, required=year.sessions_required)]
    if pages > 1:
        lines.append(ctx.t("Page %(page)d of %(pages)d.", page=page + 1, pages=pages))
    nudges = []
    for student in students:
        facts = progress_of(found[student.id], today)
        confirmed, last = facts.confirmed, facts.last_activity
        since = ctx.t.plural("%(n)d day ago", "%(n)d days ago", (today - last).days) if last else ctx.t("no logs yet")
        behind = confirmed < pace
        lines.append(ctx.t("%(mark)s %(name)s: %(done)d/%(required)d confirmed · last log %(since)s",
                           mark="⚠️" if behind else "•", name=student.name, done=confirmed,
                           required=year.sessions_required, since=since))
        if behind:
            nudges.append(Button(ctx.t.plain("🔔 Nudge %(name)s", name=student.name),
                                 Nudge(student.id)))
    if nudges:
        lines.append("\n" + ctx.t("⚠️ = behind the pace needed to reach %(required)d by %(day)s.",
                                  required=year.sessions_required, day=ctx.day(end)))
    nav = rows(*pager(page, page + 1 < pages, SchoolPage))
    return Screen("\n".join(lines), buttons=rows(*nudges) + nav, replace=replace)


@teacher.button(Nudge, role=Role.TEACHER)
async def nudge(ctx: Ctx, tap: Nudge) -> Screen:
    student = await ctx.session.get(Person, tap.student_id)
    if student is None or Role.STUDENT.value not in {r.role for r in student.roles} \
            or not await people.is_teachers_student(ctx.session, ctx.me.id, student.id):
        raise NotFound()  # a teacher nudges only their students (and the school's with no teacher)
    today = ctx.today()
    teacher_name = ctx.me.name

    def render(t: Translator) -> Screen:
        return Screen(t("👋 A friendly reminder from %(teacher)s: how is your training going? Remember to file a "
                        "growth log after each activity; confirmed sessions count toward your 10.",
                        teacher=teacher_name),
                      buttons=rows(Button(t("📝 New growth log"), NewLog())))

    key = f"nudge:{student.id}:{today.isoformat()}"
    if await outbox.queued(ctx.session, key) is not None:  # this tap sends nothing: say so
        return Screen(ctx.t("🔔 %(name)s already got a reminder from you today (at most one a day), so this tap "
                            "sent nothing.", name=student.name))
    ctx.notify(student.id, "nudge", key, render)
    return Screen(ctx.t("🔔 A friendly reminder is on its way to %(name)s (at night it waits until morning).",
                        name=student.name))
