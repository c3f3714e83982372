"""A guidance teacher's work: confirm or send back the school's logged activities; see who is behind; nudge."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Screen, esc, excerpt, id_from, rows
from handlers.kit.payloads import Stamp
from handlers.teacher_buttons import (
    ConfirmAll,
    ConfirmAllSure,
    ConfirmLog,
    KeepList,
    KeepPending,
    SeeLog,
    SendBack,
    UndoReview,
)
from handlers.views.links import OpenMyLog, PendingConfirmations
from handlers.views.logs import activity_label, attachment_screens, draft_of, hours_text, summary
from program.errors import NotAllowed, NotFound
from program.growth_log import REVIEW_UNDO, LogStatus, check_reason
from program.i18n import N_, Safe, Translator
from program.roles import Role
from program.sessions import count_sessions
from storage import logs, outbox, people
from storage.logs import Listed
from storage.models import GrowthLog


class Step(StrEnum):
    REASON = "reason"


teacher = Flow("tch", Step, done_hint=N_("That log is no longer waiting for a reason. Send /confirm to see the "
                                         "list as it is now."))


PAGE = 5
NOT_FOUND = N_("Log not found. It may have been removed, or it is not from your school.")
ALREADY_REVIEWED = N_("This log was already reviewed.")
CHANGED = N_("The student changed this log after the list was shown. Here is the list again; please look "
             "at it once more.")
OLD_LIST = N_("Nothing was confirmed: that button belongs to a list shown earlier. Here is the list as it is now; "
              "please look at it once more.")
LIST = "list"  # the teacher's draft keeps the ids of the list on screen, so its numbers stay as shown
SHOWN = "shown"  # …and each log's version as shown: confirm-all approves exactly the text that was on screen


def log_line(ctx: Ctx, log: GrowthLog, name: str) -> str:
    """Whose log, of which day and kind: how a result and a question name it."""
    return f"{esc(name)} · {ctx.day(log.activity_date)} · {esc(activity_label(ctx.t, log.kind))}"


async def confirm_page(ctx: Ctx, *, replace: bool = False, note: str | None = None, fresh: bool = True) -> Screen:
    """The list to confirm. Within one list numbers stay put: a reviewed log keeps its number, marked done."""
    draft = ctx.state.data.get(teacher.name) or {}
    if fresh or not draft.get(LIST):
        listed, total = await logs.pending_at_school(ctx.session, ctx.me.school_id, 0, PAGE, reviewer_id=ctx.me.id)
        ctx.state.begin(teacher.name, None, {LIST: [item.log.id for item in listed], "seen": _seen_stamp(ctx),
                                             SHOWN: {str(item.log.id): item.log.version for item in listed}})
    else:  # the same list redrawn, with the count of all waiting, in one statement
        found, counted = await logs.logs_at_school(ctx.session, draft[LIST], ctx.me.school_id, reviewer_id=ctx.me.id,
                                                   pending_total=True)
        by_id = {item.log.id: item for item in found}
        listed = [by_id[i] for i in draft[LIST] if i in by_id]
        total = counted or 0
    lines = [note] if note else []
    waiting = [(n, item.log) for n, item in enumerate(listed, start=1) if item.log.status == LogStatus.SUBMITTED.value]
    if total == 0 and not listed:
        lines.append(ctx.t("✅ Nothing to confirm. Every activity your students logged has been reviewed."))
        return Screen("\n".join(lines), replace=replace)
    lines.append(ctx.t("<b>To confirm</b>: %(total)d, oldest first. Only confirmed activities count toward the "
                       "%(required)d sessions.", total=total,
                       required=ctx.services.calendar.for_date(ctx.today()).sessions_required))
    seen = ctx.state.data[teacher.name]["seen"]  # the stamp names this list: its buttons act on it only
    marks = {LogStatus.CONFIRMED.value: ctx.t("✅ confirmed"), LogStatus.REJECTED.value: ctx.t("↩️ sent back")}
    buttons: list[tuple[Button, ...]] = []
    for number, (log, name, count) in enumerate(listed, start=1):
        files = f" · 📎{count}" if count else ""
        if log.status != LogStatus.SUBMITTED.value:
            lines.append(f"\n#{number} {log_line(ctx, log, name)} · {marks[log.status]}")
            continue
        lines.append(f"\n<b>#{number} {esc(name)}</b> · {ctx.day(log.activity_date)} · "
                     f"{esc(activity_label(ctx.t, log.kind))} · "
                     f"{ctx.t('%(hours)s h', hours=hours_text(log.hours))}{files}\n"
                     f"{esc(excerpt(log.did, 120))}")
        buttons.append((Button(ctx.t("✅ #%(n)d", n=number), ConfirmLog(log.id, log.version)),
                        Button(ctx.t("↩️ #%(n)d", n=number), SendBack(log.id)),
                        Button(ctx.t("🔍 #%(n)d", n=number), SeeLog(log.id))))
    if len(waiting) > 1:
        ids = ".".join(str(log.id) for _, log in waiting)
        buttons.append((Button(ctx.t("✅ Confirm all %(n)d above", n=len(waiting)), ConfirmAll(seen, ids)),))
    elif not waiting:
        lines.append("\n" + ctx.t("This list is done."))
        if total:
            buttons.append((Button(ctx.t("Next %(n)d to confirm ▶", n=min(total, PAGE)), PendingConfirmations()),))
    if total > len(waiting) and waiting:
        lines.append("\n" + ctx.t("%(more)d more after these.", more=total - len(waiting)))
    return Screen("\n".join(lines), buttons=tuple(buttons), replace=replace)


@teacher.command("confirm", role=Role.TEACHER)
@teacher.button(PendingConfirmations, role=Role.TEACHER)  # the weekly digest's button
async def show_pending(ctx: Ctx, tap: PendingConfirmations | None = None) -> Screen:
    return await confirm_page(ctx)


async def _pending_log(ctx: Ctx, log_id: int) -> Listed:
    """The log waiting for this teacher, with its student's name (one statement)."""
    found = await logs.log_at_school(ctx.session, log_id, ctx.me.school_id, reviewer_id=ctx.me.id)
    if found is None:
        raise NotFound(NOT_FOUND)
    if found.log.status != LogStatus.SUBMITTED.value:
        raise NotAllowed(ALREADY_REVIEWED)
    return found


async def _confirm(ctx: Ctx, wanted: list[GrowthLog]) -> list[GrowthLog]:
    """Confirms logs as they were read, and tells each student their new count (one query for all of them).

    A log someone else reviewed or changed a moment ago is left out (it comes back in the current state).
    """
    now = ctx.now()
    confirmed_logs = [log for log in wanted if await logs.review(ctx.session, log, reviewer_id=ctx.me.id,
                                                                 version=log.version, confirmed=True, reason=None,
                                                                 now=now)]
    if not confirmed_logs:
        return confirmed_logs
    year = ctx.services.calendar.for_date(confirmed_logs[0].activity_date)
    found = await logs.activities(ctx.session, list({log.student_id for log in confirmed_logs}), *year.training)
    for log in confirmed_logs:
        day, kind, done, required = log.activity_date, log.kind, count_sessions(found[log.student_id]), \
            year.sessions_required

        def render(t: Translator, day: date = day, kind: str = kind, done: int = done,
                   required: int = required) -> Screen:
            return Screen(t("✅ Your teacher confirmed your growth log of %(day)s (%(kind)s). Confirmed sessions: "
                            "%(done)d/%(required)d.", day=day, kind=activity_label(t, kind), done=done,
                            required=required))

        ctx.notify(log.student_id, "log_confirmed", review_notice_key(log), render)
    return confirmed_logs


def review_notice_key(log: GrowthLog) -> str:
    """One notice per review: the version a review leaves behind is new each time (an undo takes it back)."""
    return f"log-reviewed:{log.id}:{log.version}"


def _seen_stamp(ctx: Ctx) -> Stamp:
    """When the teacher was shown the logs (whole seconds, rounded up), carried in the buttons."""
    return Stamp(int(ctx.now().timestamp()) + 1)


def _undo_button(ctx: Ctx, reviewed: list[GrowthLog]) -> Button:
    minutes = int(REVIEW_UNDO.total_seconds() // 60)
    return Button(ctx.t("↶ Undo (within %(n)d minutes)", n=minutes),
                  UndoReview(".".join(f"{log.id}-{log.version}" for log in reviewed)))


async def _names(ctx: Ctx, found: list[GrowthLog]) -> dict[int, str]:
    return {p.id: p.name for p in await people.named(ctx.session, {log.student_id for log in found})}


@teacher.button(ConfirmLog, role=Role.TEACHER)
async def confirm_one(ctx: Ctx, tap: ConfirmLog) -> list[Screen]:
    log, name, _ = await _pending_log(ctx, tap.log_id)
    if log.version != tap.version:  # exactly the text shown, or nothing: no clock rounding in between
        return [await confirm_page(ctx, replace=True, note=ctx.t(CHANGED))]
    if not await _confirm(ctx, [log]):  # another teacher or the student was a moment faster
        return [await confirm_page(ctx, replace=True, note=ctx.t(_lost(log)))]
    return [await confirm_page(ctx, replace=True, fresh=False),
            Screen(ctx.t("✅ Confirmed: %(log)s", log=Safe(log_line(ctx, log, name))),
                   buttons=rows(_undo_button(ctx, [log])))]


def _lost(log: GrowthLog) -> str:
    return ALREADY_REVIEWED if log.status != LogStatus.SUBMITTED.value else CHANGED


async def _page_logs(ctx: Ctx, seen: int, ids: str) -> tuple[list[Listed], int] | None:
    """The logs of a confirm-all still waiting as shown, and how many changed since (left out).

    The list the button belongs to is the one its stamp names; each log must still have the version that list
    showed. A button of an older list (its versions no longer kept) confirms nothing and shows the list again;
    unless a log was edited after that list's time, it is None: no student changed anything, so none is blamed.
    """
    wanted = [id_from(part) for part in ids.split(".") if part][:PAGE]
    found, _ = await logs.logs_at_school(ctx.session, wanted, ctx.me.school_id, reviewer_id=ctx.me.id)
    pending = [item for item in found if item.log.status == LogStatus.SUBMITTED.value]
    if not pending:
        raise NotFound(NOT_FOUND)
    draft = ctx.state.data.get(teacher.name) or {}
    shown = draft.get(SHOWN, {}) if draft.get("seen") == seen else {}
    unchanged = [item for item in pending if shown.get(str(item.log.id)) == item.log.version]
    if len(unchanged) < len(pending) and not any(_edited(item.log, shown, seen) for item in pending):
        return None  # an older list's button, or a forged one: nothing was edited
    return unchanged, len(pending) - len(unchanged)


def _edited(log: GrowthLog, shown: dict[str, int], seen: int) -> bool:
    """Whether the student changed the log after the list was shown: its version, else (not kept) its time."""
    version = shown.get(str(log.id))
    return log.version != version if version is not None else log.updated_at.timestamp() > seen


@teacher.button(ConfirmAll, role=Role.TEACHER)
async def ask_confirm_all(ctx: Ctx, tap: ConfirmAll) -> Screen:
    """Confirming several at once is asked first, naming each: a tap in passing changes nothing."""
    page = await _page_logs(ctx, tap.seen, tap.ids)
    if page is None:
        return await confirm_page(ctx, note=ctx.t(OLD_LIST))
    found, changed = page
    if changed or not found:
        return await confirm_page(ctx, note=ctx.t(CHANGED))
    lines = [ctx.t.plural("Confirm this %(n)d log?", "Confirm these %(n)d logs?", len(found))]
    lines += [f"• {log_line(ctx, log, name)}" for log, name, _ in found]
    return Screen("\n".join(lines), buttons=rows(
        Button(ctx.t.plain("✅ Confirm all %(n)d", n=len(found)), ConfirmAllSure(tap.seen, tap.ids)),
        Button(ctx.t("✖️ Not now"), KeepList()), per_row=1))


@teacher.button(ConfirmAllSure, role=Role.TEACHER)
async def confirm_all(ctx: Ctx, tap: ConfirmAllSure) -> Screen:
    """Confirms the page the teacher saw; each id is checked again; others', reviewed or changed ones are skipped."""
    page = await _page_logs(ctx, tap.seen, tap.ids)
    if page is None:
        return await confirm_page(ctx, replace=True, note=ctx.t(OLD_LIST))
    unchanged, changed = page
    confirmed = await _confirm(ctx, [item.log for item in unchanged])
    changed += len(unchanged) - len(confirmed)
    names = {item.log.id: item.name for item in unchanged}
    lines = [ctx.t.plural("✅ Confirmed %(n)d log:", "✅ Confirmed %(n)d logs:", len(confirmed))]
    lines += [f"• {log_line(ctx, log, names[log.id])}" for log in confirmed]
    if changed:
        lines.append(ctx.t(CHANGED))
    return Screen("\n".join(lines), replace=True, buttons=rows(_undo_button(ctx, confirmed)) if confirmed else ())


@teacher.button(KeepList, role=Role.TEACHER)
async def keep_list(ctx: Ctx, tap: KeepList) -> Screen:
    return Screen(ctx.t("Nothing was confirmed."), replace=True)


@teacher.button(UndoReview, role=Role.TEACHER)
async def undo_review(ctx: Ctx, tap: UndoReview) -> Screen:
    """Takes back confirmations or a send-back within a few minutes, unless the student already acted on it."""
    pairs = [part.split("-") for part in tap.reviews.split(".") if part][:PAGE]
    since = ctx.now() - REVIEW_UNDO
    undone: list[GrowthLog] = []
    for log_id, version in pairs:
        log = await logs.undo_review(ctx.session, id_from(log_id), reviewer_id=ctx.me.id, version=id_from(version),
                                     since=since)
        if log is None:
            continue
        undone.append(log)
        key = f"log-reviewed:{log.id}:{version}"
        if not await outbox.withdraw(ctx.session, key, ctx.now()):  # already on its way: say it was taken back
            day, kind = log.activity_date, log.kind

            def render(t: Translator, day: date = day, kind: str = kind) -> Screen:
                return Screen(t("Your teacher took back the review of your growth log of %(day)s (%(kind)s): it "
                                "is waiting for confirmation again.", day=day, kind=activity_label(t, kind)))

            ctx.notify(log.student_id, "log_review_undone", f"{key}:undone", render)
    if not undone:
        raise NotAllowed(N_("This can no longer be undone: more than %(n)d minutes have passed, or the student has "
                            "already changed the log."), n=int(REVIEW_UNDO.total_seconds() // 60))
    names = await _names(ctx, undone)
    lines = [ctx.t("↶ Undone. Waiting for confirmation again:")]
    lines += [f"• {log_line(ctx, log, names.get(log.student_id, ''))}" for log in undone]
    return Screen("\n".join(lines), replace=True)


@teacher.button(SeeLog, role=Role.TEACHER)
async def see_log(ctx: Ctx, tap: SeeLog) -> list[Screen]:
    found = await logs.log_at_school(ctx.session, tap.log_id, ctx.me.school_id, reviewer_id=ctx.me.id,
                                     with_files=True)
    if found is None:
        raise NotFound(NOT_FOUND)
    log = found.log
    title = f"<b>{esc(found.name)}</b>"
    buttons = rows(Button(ctx.t("✅ Confirm"), ConfirmLog(log.id, log.version)),
                   Button(ctx.t("↩️ Send back"), SendBack(log.id))) \
        if log.status == LogStatus.SUBMITTED.value else ()
    return [Screen(f"{title}\n{summary(ctx, draft_of(log))}", buttons=buttons), *attachment_screens(log)]


@teacher.button(SendBack, role=Role.TEACHER)
async def ask_reason(ctx: Ctx, tap: SendBack) -> Screen:
    log = (await _pending_log(ctx, tap.log_id)).log
    listed = (ctx.state.data.get(teacher.name) or {})
    ctx.state.begin(teacher.name, Step.REASON, {**listed, "log_id": log.id})
    return await reason_prompt(ctx)


@teacher.prompt(Step.REASON)
async def reason_prompt(ctx: Ctx) -> Screen:
    log, name, _ = await _pending_log(ctx, int(ctx.state.draft.get("log_id", 0)))
    return Screen(ctx.t("↩️ Sending back %(log)s.\nWhy? Write one or two sentences on what to change; the student "
                        "will see them and can fix the log.", log=Safe(log_line(ctx, log, name))),
                  buttons=rows(Button(ctx.t("✖️ Cancel"), KeepPending())))


@teacher.text(Step.REASON)
async def take_reason(ctx: Ctx, text: str) -> list[Screen]:
    reason = check_reason(text)
    log, name, _ = await _pending_log(ctx, int(ctx.state.draft.get("log_id", 0)))
    ctx.state.draft.pop("log_id", None)
    ctx.state.goto(None)
    if not await logs.review(ctx.session, log, reviewer_id=ctx.me.id, version=log.version, confirmed=False,
                             reason=reason, now=ctx.now()):
        return [await confirm_page(ctx, note=ctx.t(_lost(log)), fresh=False)]
    day, kind, log_id = log.activity_date, log.kind, log.id

    def render(t: Translator) -> Screen:
        return Screen(t("↩️ Your teacher sent back your growth log of %(day)s (%(kind)s):\n%(reason)s\n"
                        "Change it and it goes back for confirmation.", day=day, kind=activity_label(t, kind),
                        reason=reason),
                      buttons=rows(Button(t("✏️ Open the log"), OpenMyLog(log_id))))

    ctx.notify(log.student_id, "log_rejected", review_notice_key(log), render)
    return [Screen(ctx.t("↩️ Sent back: %(log)s. The student has been told why.", log=Safe(log_line(ctx, log, name))),
                   buttons=rows(_undo_button(ctx, [log]))),
            await confirm_page(ctx, fresh=False)]


@teacher.button(KeepPending, role=Role.TEACHER, steps=(Step.REASON,))
async def keep_pending(ctx: Ctx, tap: KeepPending) -> Screen:
    ctx.state.draft.pop("log_id", None)
    ctx.state.goto(None)
    return await confirm_page(ctx, replace=True, fresh=False)
