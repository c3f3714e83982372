"""A guidance teacher's work: confirm or send back the school's logged activities; see who is behind; nudge."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Payload, Screen, esc, excerpt, id_from, rows
from handlers.kit.payloads import Stamp
from handlers.views.links import NewLog, OpenMyLog, PendingConfirmations
from handlers.views.logs import activity_label, attachment_screens, draft_of, hours_text, summary
from program.errors import InvalidInput, NotAllowed, NotFound
from program.growth_log import LogStatus
from program.i18n import N_, Translator
from program.roles import Role
from program.sessions import count_sessions, expected_by, progress_of
from storage import logs, people
from storage.models import GrowthLog, Person


class Step(StrEnum):
    REASON = "reason"


teacher = Flow("tch", Step, done_hint=N_("That log is no longer waiting for a reason. Send /confirm to see the "
                                         "list as it is now."))


class ConfirmLog(Payload, flow="tch", action="ok"):
    log_id: int
    seen: Stamp  # when the list was shown: a log changed since then cannot be confirmed from it


class ConfirmAll(Payload, flow="tch", action="all"):
    seen: Stamp
    ids: str  # "12.13.14": the logs on the page the teacher saw


class SendBack(Payload, flow="tch", action="no"):
    log_id: int


class SeeLog(Payload, flow="tch", action="see"):
    log_id: int


class KeepPending(Payload, flow="tch", action="keep"):
    pass


class Nudge(Payload, flow="tch", action="nudge"):
    student_id: int
PAGE = 5
REASON_LIMIT = 500
NOT_FOUND = N_("Log not found. It may have been removed, or it is not from your school.")
ALREADY_REVIEWED = N_("This log was already reviewed.")


async def confirm_page(ctx: Ctx, *, replace: bool = False, note: str | None = None) -> Screen:
    found, total = await logs.pending_at_school(ctx.session, ctx.me.school_id, 0, PAGE, reviewer_id=ctx.me.id)
    lines = [note] if note else []
    if total == 0:
        lines.append(ctx.t("✅ Nothing to confirm. Every activity your students logged has been reviewed."))
        return Screen("\n".join(lines), replace=replace)
    lines.append(ctx.t("<b>To confirm</b>: %(total)d, oldest first. Only confirmed activities count toward the "
                       "%(required)d sessions.", total=total,
                       required=ctx.services.calendar.for_date(ctx.today()).sessions_required))
    buttons: list[tuple[Button, ...]] = []
    seen = _seen_stamp(ctx)
    for number, (log, name) in enumerate(found, start=1):
        files = f" · 📎{len(log.attachments)}" if log.attachments else ""
        lines.append(f"\n<b>#{number} {esc(name)}</b> · {ctx.day(log.activity_date)} · "
                     f"{esc(activity_label(ctx.t, log.kind))} · "
                     f"{ctx.t('%(hours)s h', hours=hours_text(log.hours))}{files}\n"
                     f"{esc(excerpt(log.did, 120))}")
        buttons.append((Button(ctx.t("✅ #%(n)d", n=number), ConfirmLog(log.id, seen)),
                        Button(ctx.t("↩️ #%(n)d", n=number), SendBack(log.id)),
                        Button(ctx.t("🔍 #%(n)d", n=number), SeeLog(log.id))))
    ids = ".".join(str(log.id) for log, _ in found)
    buttons.append((Button(ctx.t("✅ Confirm all %(n)d above", n=len(found)), ConfirmAll(seen, ids)),))
    if total > len(found):
        lines.append("\n" + ctx.t("%(more)d more after these.", more=total - len(found)))
    return Screen("\n".join(lines), buttons=tuple(buttons), replace=replace)


@teacher.command("confirm", role=Role.TEACHER)
@teacher.button(PendingConfirmations, role=Role.TEACHER)  # the weekly digest's button
async def show_pending(ctx: Ctx, tap: PendingConfirmations | None = None) -> Screen:
    return await confirm_page(ctx)


async def _pending_log(ctx: Ctx, log_id: int) -> GrowthLog:
    log = await logs.log_at_school(ctx.session, log_id, ctx.me.school_id)
    if log is None:
        raise NotFound(NOT_FOUND)
    if log.status != LogStatus.SUBMITTED.value:
        raise NotAllowed(ALREADY_REVIEWED)
    return log


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

        ctx.notify(log.student_id, "log_confirmed", f"log-reviewed:{log.id}:{now.isoformat()}", render)
    return confirmed_logs


def _seen_stamp(ctx: Ctx) -> Stamp:
    """When the teacher was shown the logs (whole seconds, rounded up), carried in the buttons."""
    return Stamp(int(ctx.now().timestamp()) + 1)


def _changed_since(log: GrowthLog, seen: int) -> bool:
    """The student changed the log after the teacher was shown it: confirming would approve unseen text."""
    return log.updated_at.timestamp() > seen


CHANGED = N_("The student changed this log after the list was shown. Here is the list again; please look "
             "at it once more.")


@teacher.button(ConfirmLog, role=Role.TEACHER)
async def confirm_one(ctx: Ctx, tap: ConfirmLog) -> Screen:
    log = await _pending_log(ctx, tap.log_id)
    if _changed_since(log, tap.seen):
        return await confirm_page(ctx, replace=True, note=ctx.t(CHANGED))
    if not await _confirm(ctx, [log]):  # another teacher or the student was a moment faster
        return await confirm_page(ctx, replace=True, note=ctx.t(_lost(log)))
    return await confirm_page(ctx, replace=True, note=ctx.t("Confirmed ✓"))


def _lost(log: GrowthLog) -> str:
    return ALREADY_REVIEWED if log.status != LogStatus.SUBMITTED.value else CHANGED


@teacher.button(ConfirmAll, role=Role.TEACHER)
async def confirm_all(ctx: Ctx, tap: ConfirmAll) -> Screen:
    """Confirms the page the teacher saw; each id is checked again; others', reviewed or changed ones are skipped."""
    seen = tap.seen
    wanted = [id_from(part) for part in tap.ids.split(".") if part][:PAGE]
    if not wanted:
        raise NotFound(NOT_FOUND)
    pending = [log for log in await logs.logs_at_school(ctx.session, wanted, ctx.me.school_id)
               if log.status == LogStatus.SUBMITTED.value]
    unchanged = [log for log in pending if not _changed_since(log, seen)]
    changed = len(pending) - len(unchanged)
    if not pending:
        raise NotFound(NOT_FOUND)
    confirmed = await _confirm(ctx, unchanged)
    changed += len(unchanged) - len(confirmed)
    note = ctx.t.plural("Confirmed %(n)d log ✓", "Confirmed %(n)d logs ✓", len(confirmed))
    if changed:
        note += "\n" + ctx.t(CHANGED)
    return await confirm_page(ctx, replace=True, note=note)


@teacher.button(SeeLog, role=Role.TEACHER)
async def see_log(ctx: Ctx, tap: SeeLog) -> list[Screen]:
    log = await logs.log_at_school(ctx.session, tap.log_id, ctx.me.school_id)
    if log is None:
        raise NotFound(NOT_FOUND)
    student = await ctx.session.get(Person, log.student_id)
    title = f"<b>{esc(student.name)}</b>" if student else ""
    buttons = rows(Button(ctx.t("✅ Confirm"), ConfirmLog(log.id, _seen_stamp(ctx))),
                   Button(ctx.t("↩️ Send back"), SendBack(log.id))) \
        if log.status == LogStatus.SUBMITTED.value else ()
    return [Screen(f"{title}\n{summary(ctx, draft_of(log))}", buttons=buttons), *attachment_screens(log)]


@teacher.button(SendBack, role=Role.TEACHER)
async def ask_reason(ctx: Ctx, tap: SendBack) -> Screen:
    log = await _pending_log(ctx, tap.log_id)
    ctx.state.begin(teacher.name, Step.REASON, {"log_id": log.id})
    return await reason_prompt(ctx)


@teacher.prompt(Step.REASON)
async def reason_prompt(ctx: Ctx) -> Screen:
    return Screen(ctx.t("Why are you sending it back? Write one or two sentences; the student will see them "
                        "and can fix the log."),
                  buttons=rows(Button(ctx.t("✖️ Cancel"), KeepPending())))


@teacher.text(Step.REASON)
async def take_reason(ctx: Ctx, text: str) -> Screen:
    reason = text.strip()
    if not reason:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(reason) > REASON_LIMIT:
        raise InvalidInput(N_("Please keep the reason under %(limit)d characters (yours has %(length)d)."),
                           limit=REASON_LIMIT, length=len(reason))
    log = await _pending_log(ctx, int(ctx.state.draft.get("log_id", 0)))
    ctx.state.finish()
    if not await logs.review(ctx.session, log, reviewer_id=ctx.me.id, version=log.version, confirmed=False,
                             reason=reason, now=ctx.now()):
        return await confirm_page(ctx, note=ctx.t(_lost(log)))
    day, kind, log_id = log.activity_date, log.kind, log.id

    def render(t: Translator) -> Screen:
        return Screen(t("↩️ Your teacher sent back your growth log of %(day)s (%(kind)s):\n%(reason)s\n"
                        "Change it and it goes back for confirmation.", day=day, kind=activity_label(t, kind),
                        reason=reason),
                      buttons=rows(Button(t("✏️ Open the log"), OpenMyLog(log_id))))

    reviewed = (log.reviewed_at or ctx.now()).isoformat()
    ctx.notify(log.student_id, "log_rejected", f"log-reviewed:{log.id}:{reviewed}", render)
    return await confirm_page(ctx, note=ctx.t("Sent back ↩️ The student has been told why."))


@teacher.button(KeepPending, role=Role.TEACHER, steps=(Step.REASON,))
async def keep_pending(ctx: Ctx, tap: KeepPending) -> Screen:
    ctx.state.finish()
    return await confirm_page(ctx, replace=True)


# ---- my school -----------------------------------------------------------------------------------

@teacher.command("school", role=Role.TEACHER)
async def school_overview(ctx: Ctx) -> Screen:
    today = ctx.today()
    year = ctx.services.calendar.for_date(today)
    start, end = year.training
    students = [s for s in await people.students_of_school(ctx.session, ctx.me.school_id) if s.exited_at is None]
    if not students:
        return Screen(ctx.t("No students of your school are in the roster yet."))
    found = await logs.activities(ctx.session, [s.id for s in students], start, end)
    pace = expected_by(today, start, end, year.sessions_required)
    lines = [ctx.t("🏫 <b>%(school)s</b> · %(count)d students · pace needed today: %(pace)d/%(required)d",
                   school=ctx.me.school.name, count=len(students), pace=pace, required=year.sessions_required)]
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
    return Screen("\n".join(lines), buttons=rows(*nudges))


@teacher.button(Nudge, role=Role.TEACHER)
async def nudge(ctx: Ctx, tap: Nudge) -> Screen:
    student = await ctx.session.get(Person, tap.student_id)
    if student is None or student.school_id != ctx.me.school_id \
            or Role.STUDENT.value not in {r.role for r in student.roles}:
        raise NotFound()
    today = ctx.today()
    teacher_name = ctx.me.name

    def render(t: Translator) -> Screen:
        return Screen(t("👋 A friendly reminder from %(teacher)s: how is your training going? Remember to file a "
                        "growth log after each activity; confirmed sessions count toward your 10.",
                        teacher=teacher_name),
                      buttons=rows(Button(t("📝 New growth log"), NewLog())))

    ctx.notify(student.id, "nudge", f"nudge:{student.id}:{today.isoformat()}", render)
    return Screen(ctx.t("🔔 %(name)s will get a friendly reminder (at most one a day, never at night).",
                        name=student.name))
