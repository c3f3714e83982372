"""A student's own logs: list them, open one with its files, start an edit, copy it for the platform."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Flow, Screen, esc, int_arg, rows
from handlers.student_log import (
    TEXT_PARTS,
    activity_label,
    attachment_screens,
    draft_of,
    edit_facts,
    hours_text,
    log_button_label,
    start_editing,
    summary,
)
from program.errors import NotFound
from program.growth_log import (
    ActivityKind,
    LogStatus,
    claims_session,
    is_editable,
)
from program.i18n import N_
from program.roles import Role
from storage import logs
from storage.models import GrowthLog

my_logs = Flow("mylogs")
PAGE = 6
def status_line(ctx: Ctx, log: GrowthLog) -> str:
    if not claims_session(ActivityKind(log.kind)):
        return ctx.t("📓 Diary entry (no confirmation needed)")
    if log.status == LogStatus.CONFIRMED.value:
        return ctx.t("✅ Confirmed by your teacher on %(day)s", day=ctx.day(log.reviewed_at.astimezone(ctx.services.zone).date()))
    if log.status == LogStatus.REJECTED.value:
        return ctx.t("↩️ Sent back by your teacher: %(reason)s\nChange it and it goes back for confirmation.",
                     reason=log.reject_reason or "—")
    return ctx.t("⏳ Waiting for your teacher to confirm")


async def list_page(ctx: Ctx, page: int, *, replace: bool = False) -> Screen:
    found, total = await logs.page_of_logs(ctx.session, ctx.me.id, page * PAGE, PAGE)
    if total == 0:
        return Screen(ctx.t("You have not filed any growth logs yet."),
                      buttons=rows(Button(ctx.t("📝 New growth log"), "log:new")), replace=replace)
    pages = (total + PAGE - 1) // PAGE
    buttons = [Button(log_button_label(ctx, log), my_logs.payload("open", log.id, page)) for log in found]
    nav = [Button("◀", my_logs.payload("page", page - 1)) if page > 0 else None,
           Button("▶", my_logs.payload("page", page + 1)) if page + 1 < pages else None]
    text = ctx.t("📚 <b>My growth logs</b> (%(total)d), page %(page)d of %(pages)d. Tap one to open it.\n"
                 "✅ confirmed · ⏳ waiting · ↩️ sent back · 📓 diary", total=total, page=page + 1, pages=pages)
    return Screen(text, buttons=rows(*buttons, per_row=1) + rows(*nav), replace=replace)


@my_logs.command("mylogs", role=Role.STUDENT)
async def show_logs(ctx: Ctx) -> Screen:
    return await list_page(ctx, 0)


@my_logs.button("page", role=Role.STUDENT)
async def turn_page(ctx: Ctx, page: str) -> Screen:
    return await list_page(ctx, int_arg(page), replace=True)


async def _own(ctx: Ctx, log_id: str) -> GrowthLog:
    log = await logs.own_log(ctx.session, int_arg(log_id), ctx.me.id)
    if log is None:
        raise NotFound(N_("Log not found. It may have been removed, or it is not yours."))
    return log


@my_logs.button("open", role=Role.STUDENT)
async def open_log(ctx: Ctx, log_id: str, page: str = "0") -> list[Screen]:
    log = await _own(ctx, log_id)
    editable = is_editable(edit_facts(log), ctx.now(),
                           ctx.services.calendar.log_edit_days)
    buttons = rows(Button(ctx.t("✏️ Edit"), my_logs.payload("edit", log.id)) if editable else None,
                   Button(ctx.t("📋 Copy for the platform"), my_logs.payload("copy", log.id)),
                   Button(ctx.t("« Back to my logs"), my_logs.payload("page", int_arg(page))))
    text = f"{status_line(ctx, log)}\n{summary(ctx, draft_of(log))}"
    return [Screen(text, buttons=buttons), *attachment_screens(log)]


@my_logs.button("edit", role=Role.STUDENT)
async def edit(ctx: Ctx, log_id: str) -> Screen:
    return await start_editing(ctx, await _own(ctx, log_id))


def platform_text(ctx: Ctx, log: GrowthLog) -> str:
    """The log laid out in the national platform's fields, to paste there."""
    parts = [ctx.t("Activity: %(kind)s", kind=activity_label(ctx.t, log.kind)),
             ctx.t("Date: %(day)s", day=log.activity_date.isoformat()),
             ctx.t("Hours: %(hours)s", hours=hours_text(log.hours))]
    for part, value in (("did", log.did), ("learned", log.learned), ("next", log.next_steps)):
        if value:
            parts.append(f"{ctx.t(TEXT_PARTS[part][1])}:\n{esc(value)}")
    return "\n".join(parts)



@my_logs.button("copy", role=Role.STUDENT)
async def copy_for_platform(ctx: Ctx, log_id: str) -> Screen:
    log = await _own(ctx, log_id)
    done = log.platform_submitted_at is not None
    mark = Button(ctx.t("✓ Submitted on the platform") if not done else ctx.t("Marked as submitted ✓"),
                  my_logs.payload("platform", log.id))
    return Screen(ctx.t("Copy this into the growth log form on the national platform:") +
                  f"\n<pre>{platform_text(ctx, log)}</pre>", buttons=rows(mark))


@my_logs.button("platform", role=Role.STUDENT)
async def mark_platform(ctx: Ctx, log_id: str) -> Screen:
    log = await _own(ctx, log_id)
    if log.platform_submitted_at is None:
        log.platform_submitted_at = ctx.now()
    return Screen(ctx.t("Marked as submitted on the national platform ✓"), replace=True)
