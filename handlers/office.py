"""The office's overview: students, logs, confirmed sessions and evaluations by school and subject."""
from __future__ import annotations

from collections import defaultdict

from handlers.kit import Button, Ctx, Flow, Payload, Screen, excerpt, rows
from handlers.views.evaluations import answer_text
from handlers.views.links import Overview
from program.evaluations import KIND_LABELS, EvaluationKind, question
from program.growth_log import LogStatus, claims_session
from program.i18n import N_, Msgid
from program.roles import Role
from program.sessions import count_sessions, expected_by
from storage import evaluations, logs, people

office = Flow("office")


class HistoryPage(Payload, flow="office", action="history"):
    page: int


@office.command("overview", role=Role.OFFICE)
@office.button(Overview, role=Role.OFFICE)  # the weekly summary's button
async def overview(ctx: Ctx, tap: Overview | None = None) -> Screen:
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    start, end = year.training
    students = [s for s in await people.all_students(ctx.session)]
    active = [s for s in students if s.exited_at is None]
    found = await logs.activities(ctx.session, [s.id for s in students], start, end)
    pace = expected_by(today, start, end, year.sessions_required)
    waiting = sum(1 for s in students for a in found[s.id]
                  if a.status is LogStatus.SUBMITTED and claims_session(a.kind))
    lines = [ctx.t("📊 <b>Program overview</b> · %(year)d, as of %(day)s", year=year.year, day=ctx.day(today)),
             ctx.t("%(students)d students (%(exited)d left the program) · %(logs)d growth logs · %(waiting)d waiting "
                   "for a teacher", students=len(active), exited=len(students) - len(active),
                   logs=sum(len(found[s.id]) for s in students), waiting=waiting)]
    for title, key in ((ctx.t("<b>By school</b>"), lambda s: s.school.name), (ctx.t("<b>By subject</b>"),
                                                                              lambda s: s.subject or "—")):
        groups: dict[str, list] = defaultdict(list)
        for student in active:
            groups[key(student)].append(student)
        lines.append("\n" + title)
        for name, members in sorted(groups.items()):
            confirmed = [count_sessions(found[s.id]) for s in members]
            lines.append(ctx.t("• %(name)s: %(count)d students · %(logs)d logs · average %(average).1f/%(required)d "
                               "confirmed · %(behind)d behind pace", name=name, count=len(members),
                               logs=sum(len(found[s.id]) for s in members), average=sum(confirmed) / len(members),
                               required=year.sessions_required, behind=sum(1 for c in confirmed if c < pace)))
    submitted = await evaluations.submitted_counts(ctx.session, year.year)
    lines.append("\n" + ctx.t("<b>Evaluations submitted</b>: initial %(initial)d/%(n)d · mid-term %(midterm)d/%(n)d · "
                              "annual %(annual)d/%(n)d", n=len(active),
                              **{kind.value: submitted.get(kind.value, 0) for kind in EvaluationKind}))
    marked, total = await logs.platform_marks(ctx.session, start, end)
    lines.append(ctx.t("Marked as submitted on the national platform: %(marked)d of %(total)d growth logs.",
                       marked=marked, total=total))
    return Screen("\n".join(lines), buttons=rows(Button(ctx.t("🧾 Evaluation history"), HistoryPage(0))))


HISTORY_PAGE = 10
ACTIONS = {"answer": N_("changed"), "submit": N_("submitted"), "resubmit": N_("submitted again"),
           "platform": N_("marked as submitted on the platform"),
           "platform_undone": N_("took back the platform mark")}


@office.button(HistoryPage, role=Role.OFFICE)
async def evaluation_history(ctx: Ctx, tap: HistoryPage) -> Screen:
    """Every change to every evaluation: who, when, what (newest first)."""
    number = tap.page
    changes = await evaluations.recent_changes(ctx.session, number * HISTORY_PAGE, HISTORY_PAGE + 1)
    lines = [ctx.t("🧾 <b>Evaluation history</b>, newest first")]
    for change, evaluation, actor, student in changes[:HISTORY_PAGE]:
        kind = EvaluationKind(evaluation.kind)
        what = ""
        if change.field:
            q = question(kind, change.field)
            what = ctx.t(": %(field)s «%(old)s» → «%(new)s»", field=Msgid(q.title),
                         old=excerpt(answer_text(ctx, q, change.old_value), 30),
                         new=excerpt(answer_text(ctx, q, change.new_value), 30))
        lines.append(ctx.t("%(when)s · %(actor)s %(action)s %(student)s's %(kind)s", when=ctx.moment(change.at),
                           actor=actor, action=Msgid(ACTIONS.get(change.action, change.action)), student=student,
                           kind=Msgid(KIND_LABELS[kind])) + what)
    if len(lines) == 1:
        lines.append(ctx.t("No evaluation has been written yet."))
    nav = rows(Button("◀", HistoryPage(number - 1)) if number > 0 else None,
               Button("▶", HistoryPage(number + 1)) if len(changes) > HISTORY_PAGE else None)
    return Screen("\n".join(lines), buttons=nav, replace=number > 0)

