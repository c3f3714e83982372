"""The names behind the office's overview: students behind pace, mentors owing evaluations; nudge, reopen, chart."""
from __future__ import annotations

from datetime import timedelta

from handlers.kit import Button, Ctx, Flow, Payload, Screen, pager, rows
from handlers.views.links import EvaluationStudents, NewLog
from handlers.views.overview import Behind, Owing, facts
from program.audit import AuditAction
from program.errors import NotFound
from program.evaluations import KIND_LABELS, KIND_WINDOWS, EvaluationKind
from program.i18n import Msgid, Translator
from program.roles import Role
from program.sessions import count_sessions, expected_by
from storage import audit, dashboard, evaluations, logs, office
from storage.models import Person

watch = Flow("ow")
PAGE = 10
REOPEN_DAYS = (3, 7, 14)


class NudgeStudent(Payload, flow="ow", action="ns"):
    student_id: int


class NudgeMentor(Payload, flow="ow", action="nm"):
    mentor_id: int
    kind: EvaluationKind


class Reopen(Payload, flow="ow", action="re"):
    mentor_id: int
    kind: EvaluationKind


class ReopenFor(Payload, flow="ow", action="until"):
    mentor_id: int
    kind: EvaluationKind
    days: int


@watch.button(Behind, role=Role.OFFICE)
async def behind_pace(ctx: Ctx, tap: Behind) -> Screen:
    found = await facts(ctx)
    ids = list(found.behind)
    names = await dashboard.names(ctx.session, ids)
    ids.sort(key=lambda i: (found.confirmed.get(i, 0), names.get(i, "")))
    shown = ids[tap.page * PAGE:(tap.page + 1) * PAGE]
    if not shown:
        return Screen(ctx.t("✅ Nobody is behind the pace right now."), replace=tap.page > 0)
    lines = [ctx.t("⚠️ <b>Behind pace</b> (%(pace)d/%(required)d confirmed sessions by today): %(n)d students, "
                   "fewest first", pace=found.pace, required=found.required, n=len(ids))]
    for student_id in shown:
        lines.append(ctx.t("• %(name)s: %(done)d/%(required)d", name=names.get(student_id, "?"),
                           done=found.confirmed.get(student_id, 0), required=found.required))
    buttons = [Button(ctx.t.plain("🔔 %(name)s", name=names.get(i, "?")), NudgeStudent(i)) for i in shown]
    nav = pager(tap.page, len(ids) > (tap.page + 1) * PAGE, Behind)
    lines.append("\n" + ctx.t("Tap a name to nudge that student."))
    return Screen("\n".join(lines), buttons=rows(*buttons, *nav), replace=tap.page > 0)


@watch.button(Owing, role=Role.OFFICE)
async def mentors_owing(ctx: Ctx, tap: Owing) -> Screen:
    found = await facts(ctx)
    owed = found.outstanding.get(tap.kind, {})
    if not owed:
        return Screen(ctx.t("✅ Every mentor has submitted the %(kind)s.", kind=Msgid(KIND_LABELS[tap.kind])))
    names = await dashboard.names(ctx.session, {*owed, *(s for ids in owed.values() for s in ids)})
    order = sorted(owed, key=lambda m: (-len(owed[m]), names.get(m, "")))
    lines = [ctx.t("🧾 <b>%(kind)s</b>: %(n)d mentors have students still to evaluate",
                   kind=Msgid(KIND_LABELS[tap.kind]), n=len(order))]
    buttons: list[tuple[Button, ...]] = []
    for mentor_id in order[:PAGE]:
        students = "、".join(names.get(s, "?") for s in owed[mentor_id])
        lines.append(ctx.t("• %(mentor)s: %(n)d (%(students)s)", mentor=names.get(mentor_id, "?"),
                           n=len(owed[mentor_id]), students=students))
        buttons.append((Button(ctx.t.plain("🔔 %(name)s", name=names.get(mentor_id, "?")),
                               NudgeMentor(mentor_id, tap.kind)),
                        Button(ctx.t.plain("🔓 Reopen for %(name)s", name=names.get(mentor_id, "?")),
                               Reopen(mentor_id, tap.kind))))
    if len(order) > PAGE:
        lines.append(ctx.t("%(more)d more after these.", more=len(order) - PAGE))
    return Screen("\n".join(lines), buttons=tuple(buttons))


async def _person(ctx: Ctx, person_id: int, role: Role) -> Person:
    person = await office.person_in_role(ctx.session, person_id, role)
    if person is None:
        raise NotFound()
    return person


@watch.button(NudgeStudent, role=Role.OFFICE)
async def nudge_student(ctx: Ctx, tap: NudgeStudent) -> Screen:
    student = await _person(ctx, tap.student_id, Role.STUDENT)
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    start, end = year.training
    done = count_sessions((await logs.activities(ctx.session, [student.id], start, end))[student.id])
    required = year.sessions_required
    pace = expected_by(today, start, end, required)

    def render(t: Translator) -> Screen:
        return Screen(t("🔔 A reminder from the program office: %(done)d of %(required)d training sessions are "
                        "confirmed so far; by now it should be %(pace)d. File a growth log after every activity.",
                        done=done, required=required, pace=pace),
                      buttons=rows(Button(t.plain("📝 New growth log"), NewLog())))

    ctx.notify(student.id, "nudge", f"office-nudge:{student.id}:{ctx.today().isoformat()}", render)
    return Screen(ctx.t("🔔 %(name)s will be reminded (once a day at most, never at night).", name=student.name))


@watch.button(NudgeMentor, role=Role.OFFICE)
async def nudge_mentor(ctx: Ctx, tap: NudgeMentor) -> Screen:
    mentor = await _person(ctx, tap.mentor_id, Role.MENTOR)
    found = await facts(ctx)
    owed = found.outstanding.get(tap.kind, {}).get(mentor.id, ())
    if not owed:
        return Screen(ctx.t("✅ %(name)s has nothing outstanding for the %(kind)s.", name=mentor.name,
                            kind=Msgid(KIND_LABELS[tap.kind])))
    names = "、".join((await dashboard.names(ctx.session, owed)).values())
    kind = tap.kind

    def render(t: Translator) -> Screen:
        return Screen(t("🔔 A reminder from the program office: the %(kind)s of %(n)d students is still to be "
                        "submitted: %(names)s.", kind=Msgid(KIND_LABELS[kind]), n=len(owed), names=names),
                      buttons=rows(Button(t.plain("🧾 Evaluations"), EvaluationStudents(kind))))

    ctx.notify(mentor.id, "nudge", f"office-nudge:{mentor.id}:{kind.value}:{ctx.today().isoformat()}", render)
    return Screen(ctx.t("🔔 %(name)s will be reminded (once a day at most, never at night).", name=mentor.name))


@watch.button(Reopen, role=Role.OFFICE)
async def ask_until(ctx: Ctx, tap: Reopen) -> Screen:
    mentor = await _person(ctx, tap.mentor_id, Role.MENTOR)
    today = ctx.today()
    return Screen(ctx.t("🔓 Reopen the %(kind)s for %(name)s from today until:", kind=Msgid(KIND_LABELS[tap.kind]),
                        name=mentor.name),
                  buttons=rows(*(Button(ctx.day(today + timedelta(days=d)), ReopenFor(mentor.id, tap.kind, d))
                                 for d in REOPEN_DAYS), per_row=3))


@watch.button(ReopenFor, role=Role.OFFICE)
async def reopen(ctx: Ctx, tap: ReopenFor) -> Screen:
    if tap.days not in REOPEN_DAYS:
        raise NotFound()
    mentor = await _person(ctx, tap.mentor_id, Role.MENTOR)
    today = ctx.today()
    closes, year, kind = today + timedelta(days=tap.days), ctx.services.calendar.for_date(today).year, tap.kind
    await evaluations.reopen(ctx.session, mentor_id=mentor.id, window=KIND_WINDOWS[kind].value, year=year,
                             opens=today, closes=closes, now=ctx.now())
    await audit.record(ctx.session, action=AuditAction.REOPEN, actor=ctx.me.name, actor_id=ctx.me.id, now=ctx.now(),
                       target=mentor.name, kind=kind.value, until=closes.isoformat())

    def render(t: Translator) -> Screen:
        return Screen(t("🔓 The program office reopened the %(kind)s for you until %(day)s.",
                        kind=Msgid(KIND_LABELS[kind]), day=closes),
                      buttons=rows(Button(t.plain("🧾 Evaluations"), EvaluationStudents(kind))))

    ctx.notify(mentor.id, "reopened", f"reopened:{mentor.id}:{kind.value}:{year}:{closes.isoformat()}", render)
    return Screen(ctx.t("🔓 Reopened the %(kind)s for %(name)s until %(day)s; they are told.",
                        kind=Msgid(KIND_LABELS[kind]), name=mentor.name, day=ctx.day(closes)), replace=True)
