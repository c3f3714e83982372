"""A student's own logs: list them, open one with its files, start an edit, copy it for the platform."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Flow, Payload, Screen, pager, rows
from handlers.views.links import EditLog, NewLog, OpenMyLog
from handlers.views.logs import (
    attachment_screens,
    draft_of,
    edit_facts,
    log_button_label,
    platform_text,
    status_line,
    summary,
)
from program.errors import NotFound
from program.growth_log import is_editable
from program.i18n import N_
from program.roles import Role
from storage import logs
from storage.models import GrowthLog

my_logs = Flow("mylogs")
PAGE = 6


class LogsPage(Payload, flow="mylogs", action="page"):
    page: int


class CopyLog(Payload, flow="mylogs", action="copy"):
    log_id: int


class MarkOnPlatform(Payload, flow="mylogs", action="platform"):
    log_id: int


class UnmarkOnPlatform(Payload, flow="mylogs", action="unplatform"):
    log_id: int


def _mark_button(ctx: Ctx, log: GrowthLog) -> Button:
    if log.platform_submitted_at is not None:
        return Button(ctx.t("↶ Not submitted there yet"), UnmarkOnPlatform(log.id))
    return Button(ctx.t("✓ Submitted on the platform"), MarkOnPlatform(log.id))


async def list_page(ctx: Ctx, page: int, *, replace: bool = False) -> Screen:
    found, total = await logs.page_of_logs(ctx.session, ctx.me.id, page * PAGE, PAGE)
    if total == 0:
        return Screen(ctx.t("You have not filed any growth logs yet."),
                      buttons=rows(Button(ctx.t("📝 New growth log"), NewLog())), replace=replace)
    pages = (total + PAGE - 1) // PAGE
    buttons = [Button(log_button_label(ctx, log), OpenMyLog(log.id, page)) for log in found]
    nav = pager(page, page + 1 < pages, LogsPage)
    text = ctx.t("📚 <b>My growth logs</b> (%(total)d), page %(page)d of %(pages)d. Tap one to open it.\n"
                 "✅ confirmed · ⏳ waiting · ↩️ sent back · 📓 diary (kind “Other”: needs no teacher, not counted as "
                 "a session)", total=total, page=page + 1, pages=pages)
    return Screen(text, buttons=rows(*buttons, per_row=1) + rows(*nav), replace=replace)


@my_logs.command("mylogs", role=Role.STUDENT)
async def show_logs(ctx: Ctx) -> Screen:
    return await list_page(ctx, 0)


@my_logs.button(LogsPage, role=Role.STUDENT)
async def turn_page(ctx: Ctx, tap: LogsPage) -> Screen:
    return await list_page(ctx, tap.page, replace=True)


async def _own(ctx: Ctx, log_id: int) -> GrowthLog:
    log = await logs.own_log(ctx.session, log_id, ctx.me.id)
    if log is None:
        raise NotFound(N_("Log not found. It may have been removed, or it is not yours."))
    return log


@my_logs.button(OpenMyLog, role=Role.STUDENT)
async def open_log(ctx: Ctx, tap: OpenMyLog) -> list[Screen]:
    log = await _own(ctx, tap.log_id)
    editable = is_editable(edit_facts(log), ctx.now(), ctx.services.calendar.log_edit_days)
    buttons = rows(Button(ctx.t("✏️ Edit"), EditLog(log.id)) if editable else None,
                   Button(ctx.t("📋 Copy for the platform"), CopyLog(log.id)),
                   Button(ctx.t("« Back to my logs"), LogsPage(tap.page)))
    text = f"{status_line(ctx, log)}\n{summary(ctx, draft_of(log))}"
    return [Screen(text, buttons=buttons), *attachment_screens(log)]


@my_logs.button(CopyLog, role=Role.STUDENT)
async def copy_for_platform(ctx: Ctx, tap: CopyLog) -> Screen:
    log = await _own(ctx, tap.log_id)
    return Screen(ctx.t("Copy this into the growth log form on the national platform:") +
                  f"\n<pre>{platform_text(ctx, log)}</pre>", buttons=rows(_mark_button(ctx, log)))


@my_logs.button(MarkOnPlatform, role=Role.STUDENT)
async def mark_platform(ctx: Ctx, tap: MarkOnPlatform) -> Screen:
    """The copied text stays on screen; the mark is its own message and can be taken back."""
    log = await _own(ctx, tap.log_id)
    if log.platform_submitted_at is None:
        log.platform_submitted_at = ctx.now()
    return Screen(ctx.t("Marked as submitted on the national platform ✓"), buttons=rows(_mark_button(ctx, log)))


@my_logs.button(UnmarkOnPlatform, role=Role.STUDENT)
async def unmark_platform(ctx: Ctx, tap: UnmarkOnPlatform) -> Screen:
    log = await _own(ctx, tap.log_id)
    log.platform_submitted_at = None
    return Screen(ctx.t("The mark is taken back: not submitted on the platform yet."), replace=True,
                  buttons=rows(_mark_button(ctx, log)))
