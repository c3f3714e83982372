"""The office's Excel export as a document in the chat, and the audit trail of every office action."""
from __future__ import annotations

import io

from handlers.kit import Button, Ctx, Flow, Payload, Screen, Upload, pager, rows
from program.audit import AUDIT_LABELS, AuditAction
from program.roles import Role
from storage import audit, office, people

exports = Flow("oex")
BOT_EXPORT_LIMIT = 3000  # students; a province's workbook is made with `yingcai export` on the server
AUDIT_PAGE = 10


class Workbook(Payload, flow="oex", action="xlsx"):
    school_id: int = 0  # 0: every school


class BySchool(Payload, flow="oex", action="schools"):
    pass


class AuditPage(Payload, flow="oex", action="audit"):
    page: int = 0


@exports.command("export", role=Role.OFFICE)
async def choose(ctx: Ctx) -> Screen:
    return Screen(ctx.t("📤 <b>Export</b> · the year's people, sessions, growth logs, evaluations, progress, "
                        "training plans, results and certificates as one Excel workbook."),
                  buttons=rows(Button(ctx.t("📤 Every school"), Workbook()), Button(ctx.t("🏫 One school"), BySchool()),
                               Button(ctx.t("🗂 Audit trail"), AuditPage()), per_row=1))


@exports.button(BySchool, role=Role.OFFICE)
async def schools(ctx: Ctx, tap: BySchool) -> Screen:
    found = await office.schools(ctx.session)
    return Screen(ctx.t("Which school?"), replace=True,
                  buttons=rows(*(Button(name, Workbook(sid)) for sid, name, _ in found), per_row=1))


@exports.button(Workbook, role=Role.OFFICE)
async def workbook(ctx: Ctx, tap: Workbook) -> Screen:
    from storage.export import export
    from storage.export_activity import ExportFilter

    school = None
    if tap.school_id:
        school = next((name for sid, name, _ in await office.schools(ctx.session) if sid == tap.school_id), None)
        if school is None:
            from program.errors import NotFound
            raise NotFound()
    students = len(await people.all_students(ctx.session))
    if students > BOT_EXPORT_LIMIT:
        return Screen(ctx.t("The program has %(n)d students: a workbook that large is made on the server with "
                            "<code>yingcai export report.xlsx</code>.", n=students))
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    first, last = year.training
    data = io.BytesIO()
    written = await export(ctx.session, data, ExportFilter(year.year, first, last, ctx.services.zone, school=school),
                           ctx.t, today=today)
    name = f"yingcai-{year.year}-{today.isoformat()}.xlsx"
    await audit.record(ctx.session, action=AuditAction.EXPORT, actor=ctx.me.name, actor_id=ctx.me.id, now=ctx.now(),
                       target=name, school=school, first=first.isoformat(), last=last.isoformat(), rows=written)
    summary = ctx.t("、").join(ctx.t("%(sheet)s %(count)d", sheet=sheet, count=count)
                              for sheet, count in written.items())
    return Screen(ctx.t("📤 %(scope)s, %(year)d: %(sheets)s rows.", scope=school or ctx.t("Every school"),
                        year=year.year, sheets=summary),
                  upload=Upload("document", name, data.getvalue()))


@exports.button(AuditPage, role=Role.OFFICE)
async def audit_trail(ctx: Ctx, tap: AuditPage) -> Screen:
    """Every office action, newest first: who, when, what, about whom."""
    entries, total = await audit.recent(ctx.session, tap.page * AUDIT_PAGE, AUDIT_PAGE)
    if not entries:
        return Screen(ctx.t("Nothing has been recorded yet."), replace=tap.page > 0)
    pages = -(-total // AUDIT_PAGE)
    lines = [ctx.t("🗂 <b>Audit trail</b>, newest first · page %(page)d of %(pages)d", page=tap.page + 1, pages=pages)]
    for entry in entries:
        label = AUDIT_LABELS.get(AuditAction(entry.action)) if entry.action in set(AuditAction) else None
        lines.append(ctx.t("%(when)s · %(who)s %(what)s %(about)s", when=ctx.moment(entry.at), who=entry.actor,
                           what=ctx.t(label) if label else entry.action, about=entry.target or ""))
    nav = rows(*pager(tap.page, tap.page + 1 < pages, AuditPage))
    return Screen("\n".join(lines), buttons=nav, replace=tap.page > 0)

