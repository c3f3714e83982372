"""The office's overview: students, logs, confirmed sessions and evaluations by school and subject."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Flow, Payload, Screen, excerpt, pager, rows
from handlers.views.evaluations import answer_text
from handlers.views.links import Overview
from handlers.views.overview import chart_screen, count_buttons, facts
from program.evaluations import KIND_LABELS, EvaluationKind, question
from program.i18n import N_, Msgid
from program.roles import Role
from storage import evaluations, logs

office = Flow("office")


class HistoryPage(Payload, flow="office", action="history"):
    page: int
    drafts: bool = False  # also the mentors' drafting before they first submitted


@office.command("overview", role=Role.OFFICE)
@office.button(Overview, role=Role.OFFICE)  # the weekly summary's button
async def overview(ctx: Ctx, tap: Overview | None = None) -> list[Screen]:
    """The numbers as text beside the same numbers as a picture; each count with people behind it opens them."""
    found = await facts(ctx)
    lines = [ctx.t("📊 <b>Program overview</b> · %(year)d, as of %(day)s", year=found.year, day=ctx.day(found.today)),
             ctx.t("%(students)d students (%(exited)d left the program) · %(logs)d growth logs · %(waiting)d waiting "
                   "for a teacher", students=found.students, exited=found.exited, logs=found.logs,
                   waiting=found.waiting)]
    for title, groups in ((ctx.t("<b>By school</b>"), found.by_school), (ctx.t("<b>By subject</b>"), found.by_subject)):
        lines.append("\n" + title)
        for group in groups:
            lines.append(ctx.t("• %(name)s: %(count)d students · %(logs)d logs · average %(average).1f/%(required)d "
                               "confirmed · %(behind)d behind pace", name=group.name, count=group.students,
                               logs=group.logs, average=group.average, required=found.required,
                               behind=len(group.behind)))
    lines.append("\n" + ctx.t("<b>Evaluations submitted</b>: initial %(initial)d/%(n)d · mid-term %(midterm)d/%(n)d · "
                              "annual %(annual)d/%(n)d", n=found.students,
                              **{kind.value: found.evaluations.get(kind, 0) for kind in EvaluationKind}))
    start, end = ctx.services.calendar.for_date(found.today).training
    marked, total = await logs.platform_marks(ctx.session, start, end)
    lines.append(ctx.t("Marked as submitted on the national platform: %(marked)d of %(total)d growth logs.",
                       marked=marked, total=total))
    text = Screen("\n".join(lines), buttons=rows(*count_buttons(ctx, found),
                                                 Button(ctx.t("🧾 Evaluation history"), HistoryPage(0)), per_row=1))
    chart = chart_screen(ctx, found)
    return [chart, text] if chart is not None else [text]


HISTORY_PAGE = 10
ACTIONS = {"answer": N_("changed"), "submit": N_("submitted"), "resubmit": N_("submitted again"),
           "platform": N_("marked as submitted on the platform"),
           "platform_undone": N_("took back the platform mark")}


@office.button(HistoryPage, role=Role.OFFICE)
async def evaluation_history(ctx: Ctx, tap: HistoryPage) -> Screen:
    """评价修改记录, newest first: submissions and changes after submission; drafting only on request."""
    number = tap.page
    changes, total = await evaluations.history_page(ctx.session, number * HISTORY_PAGE, HISTORY_PAGE,
                                                    drafts=tap.drafts)
    pages = max(1, -(-total // HISTORY_PAGE))
    lines = [ctx.t("🧾 <b>Evaluation history</b>, newest first · page %(page)d of %(pages)d",
                   page=number + 1, pages=pages),
             ctx.t("With the mentors' drafts.") if tap.drafts else
             ctx.t("Submissions and changes after submission (drafts are left out).")]
    for change, evaluation, actor, student in changes:
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
    if not changes:
        lines.append(ctx.t("No evaluation has been written yet."))
    nav = rows(*pager(number, number + 1 < pages, lambda n: HistoryPage(n, tap.drafts)),
               Button(ctx.t("Leave out drafts") if tap.drafts else ctx.t("Show drafts too"),
                      HistoryPage(0, not tap.drafts)), per_row=3)
    return Screen("\n".join(lines), buttons=nav, replace=number > 0 or tap.drafts)
