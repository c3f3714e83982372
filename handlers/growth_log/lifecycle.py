"""A growth log's life: start or resume a draft, start from a session, review, submit, discard, edit a filed one."""
from __future__ import annotations

from datetime import date

from handlers.growth_log.form import (
    EVERY_FORM_STEP,
    AskDiscard,
    Discard,
    GoOn,
    Step,
    Submit,
    ask_kind,
    both,
    edit_log,
    first_missing,
    form,
    link,
    new_log,
    training_year,
)
from handlers.kit import Button, Ctx, Payload, Screen, excerpt, rows
from handlers.kit.wizard import ChangePart
from handlers.views.links import SAID, EditLog, LogFromText, LogSession, NewLog
from handlers.views.logs import activity_label, draft_of, edit_facts, hours_text, summary
from handlers.views.menu import main_menu
from program.dates import check_activity_date
from program.errors import InvalidInput, NotAllowed, NotFound
from program.growth_log import ActivityKind, ensure_editable, looks_like_activity
from program.i18n import N_
from program.roles import Role
from storage import logs, summaries
from storage import sessions as training
from storage.models import GrowthLog

STUDENT = Role.STUDENT
LEFT = N_("You have left the program, so new growth logs cannot be filed.")


class Resume(Payload, flow="log", action="resume"):
    pass


class StartOver(Payload, flow="log", action="fresh"):
    pass


@new_log.command("log", role=STUDENT)
@new_log.button(NewLog, role=STUDENT)
async def begin_new(ctx: Ctx, tap: NewLog | None = None) -> Screen:
    if ctx.me.exited_at is not None:
        raise NotAllowed(LEFT)
    ctx.state.switch(new_log.name)
    if ctx.state.has_draft(new_log.name):
        draft = ctx.state.data[new_log.name]
        summary_text = ctx.t(", ").join(x for x in (activity_label(ctx.t, draft.get("kind")),
                                             ctx.day(date.fromisoformat(draft["date"])) if draft.get("date") else "")
                                 if x and x != "—")
        ctx.state.pause()  # remembers the step it was at
        ctx.state.goto(Step.RESUME_OFFER)
        return Screen(ctx.t("You have an unfinished growth log (%(summary)s). Continue it?",
                            summary=summary_text or ctx.t("just started")),
                      buttons=rows(Button(ctx.t("▶ Continue"), Resume()), Button(ctx.t("🆕 Start over"), StartOver())))
    ctx.state.begin(new_log.name, Step.KIND, {})
    return await ask_kind(ctx)


@new_log.button(LogFromText, role=STUDENT)
async def begin_with_text(ctx: Ctx, tap: LogFromText) -> Screen:
    """What the student wrote becomes "what I did"; the kind it names is chosen; the next question is the day."""
    said = (ctx.state.data.pop(SAID[0], None) or {}).get(SAID[1], "")
    if not said or ctx.state.has_draft(new_log.name) or ctx.me.exited_at is not None:
        return await begin_new(ctx)  # an unfinished draft is never replaced unasked
    kind = looks_like_activity(said) or ActivityKind.OTHER
    ctx.state.begin(new_log.name, Step.DATE, {"kind": kind.value, "did": said})
    return await form.ask(ctx, Step.DATE)


async def _resume(ctx: Ctx) -> Screen:
    step = ctx.state.resume_step()
    return await form.ask(ctx, Step(step) if step else first_missing(ctx.state.draft))


@new_log.button(Resume, role=STUDENT, steps=(Step.RESUME_OFFER,))
async def resume(ctx: Ctx, tap: Resume) -> Screen:
    return await _resume(ctx)


@new_log.button(StartOver, role=STUDENT, steps=(Step.RESUME_OFFER,))
async def start_over(ctx: Ctx, tap: StartOver) -> Screen:
    ctx.state.begin(new_log.name, Step.KIND, {})
    return await ask_kind(ctx)


@new_log.button(LogSession, role=STUDENT)
async def log_scheduled_session(ctx: Ctx, tap: LogSession) -> Screen:
    """From a reminder: a new log already filled in with the session, so the student starts writing at once.

    An unfinished draft about something else is never thrown away silently: the student chooses.
    """
    if ctx.me.exited_at is not None:
        raise NotAllowed(LEFT)
    found, logged = await summaries.session_to_log(ctx.session, tap.session_id, ctx.me.id)
    if found is None:
        raise NotFound(N_("Session not found. It may have been cancelled, or you were not invited."))
    if logged:
        return main_menu(ctx, ctx.t("✅ You already filed the growth log of this session. Thank you!"))
    ctx.state.switch(new_log.name)
    draft = ctx.state.data.get(new_log.name)
    if draft and draft.get("session_id") == found.id:
        ctx.state.begin(new_log.name, None)
        return await _resume(ctx)
    if draft and tap.confirmed != "new":
        ctx.state.pause()
        ctx.state.goto(Step.RESUME_OFFER)
        return Screen(ctx.t("You have an unfinished growth log (%(summary)s). Continue it, or start the log of "
                            "“%(topic)s”? (The unfinished one is then thrown away.)",
                            summary=activity_label(ctx.t, draft.get("kind")), topic=found.topic),
                      buttons=rows(Button(ctx.t("▶ Continue"), Resume()),
                                   Button(ctx.t.plain("🆕 Log “%(topic)s”", topic=excerpt(found.topic, 20)),
                                          LogSession(found.id, "new")), per_row=1))
    day = found.starts_at.astimezone(ctx.services.zone).date()
    day = check_activity_date(day, ctx.today(), training_year(ctx))
    ctx.state.begin(new_log.name, Step.DID, {"kind": ActivityKind.MENTOR_MEETING.value, "session_id": found.id,
                                             "date": day.isoformat()})
    return await form.ask(ctx, Step.DID)


@form.reviews
async def review(ctx: Ctx) -> Screen:
    draft = ctx.state.draft
    missing = first_missing(draft)
    if missing != Step.REVIEW:
        return await form.ask(ctx, missing)
    ctx.state.goto(Step.REVIEW)
    title = ctx.t("<b>Please check your growth log</b>")
    editing = ctx.state.flow == edit_log.name
    return Screen(f"{title}\n{summary(ctx, draft)}",
                  buttons=rows(Button(ctx.t("💾 Save changes") if editing else ctx.t("✅ Submit"), link(ctx, Submit())),
                               Button(ctx.t("✏️ Change a part"), link(ctx, ChangePart())),
                               Button(ctx.t("✖️ Keep as it was") if editing else ctx.t("🗑 Discard"),
                                      link(ctx, AskDiscard()))))


@both.button(Submit, STUDENT, steps=(Step.REVIEW,))
async def submit(ctx: Ctx, tap: Submit) -> list[Screen]:
    draft = ctx.state.draft
    if first_missing(draft) != Step.REVIEW:
        raise InvalidInput(N_("Something is still missing before the review."))
    session_id = draft.get("session_id")
    if session_id is not None and await training.invitation(ctx.session, int(session_id), ctx.me.id) is None:
        session_id = None  # the session was cancelled, or the draft was not this student's
    fields = dict(kind=ActivityKind(draft["kind"]), activity_date=date.fromisoformat(draft["date"]),
                  did=draft["did"], learned=draft.get("learned", ""), next_steps=draft.get("next", ""),
                  hours=float(draft["hours"]), files=draft.get("files", []), session_id=session_id,
                  now=ctx.now())
    if ctx.state.flow == edit_log.name:
        log = await logs.own_log(ctx.session, int(draft["log_id"]), ctx.me.id, for_update=True)
        if log is None:
            raise NotFound()
        ensure_editable(edit_facts(log), ctx.now(), ctx.services.calendar.log_edit_days)
        await logs.change_log(ctx.session, log, **fields)
        done = ctx.t("💾 Changes saved.")
    else:
        if ctx.me.exited_at is not None:
            raise NotAllowed(LEFT)
        log = await logs.file_log(ctx.session, student_id=ctx.me.id, **fields)
        done = ctx.t("✅ Growth log filed!")
    ctx.state.finish()
    line = ctx.t("%(day)s · %(kind)s · %(hours)s h", day=ctx.day(log.activity_date),
                 kind=activity_label(ctx.t, log.kind), hours=hours_text(log.hours))
    after = ctx.t("Your teacher will confirm it; confirmed activities count toward your sessions.") \
        if logs.needs_confirmation(log.kind) else ctx.t("Kept in your diary.")
    return [Screen(f"{done}\n{line}", replace=True),
            main_menu(ctx, after + "\n" + ctx.t("Edit it within %(days)d days from “📚 My logs”.",
                                                 days=ctx.services.calendar.log_edit_days))]


@both.button(AskDiscard, STUDENT, steps=EVERY_FORM_STEP)
async def ask_discard(ctx: Ctx, tap: AskDiscard) -> Screen:
    ctx.state.pause()
    ctx.state.goto(Step.DISCARD)
    question = ctx.t("Throw this draft away?") if ctx.state.flow == new_log.name else \
        ctx.t("Stop changing this log? It stays as it was.")
    return Screen(question, buttons=rows(Button(ctx.t("Yes"), link(ctx, Discard())),
                                         Button(ctx.t("No, go on"), link(ctx, GoOn()))))


@both.button(Discard, STUDENT, steps=(Step.DISCARD,))
async def discard(ctx: Ctx, tap: Discard) -> Screen:
    editing = ctx.state.flow == edit_log.name
    ctx.state.finish()
    return main_menu(ctx, ctx.t("The log is unchanged.") if editing else ctx.t("Draft thrown away."))


@both.button(GoOn, STUDENT, steps=(Step.DISCARD,))
async def resume_here(ctx: Ctx, tap: GoOn) -> Screen:
    return await _resume(ctx)


@edit_log.button(EditLog, role=STUDENT)
async def open_for_editing(ctx: Ctx, tap: EditLog) -> Screen:
    """From "My logs" or a reminder: load a filed log into the edit draft and show its review."""
    log = await logs.own_log(ctx.session, tap.log_id, ctx.me.id)
    if log is None:
        raise NotFound(N_("Log not found. It may have been removed, or it is not yours."))
    return await start_editing(ctx, log)


async def start_editing(ctx: Ctx, log: GrowthLog) -> Screen:
    ensure_editable(edit_facts(log), ctx.now(), ctx.services.calendar.log_edit_days)
    unfinished = ctx.state.data.get(edit_log.name)
    if unfinished and unfinished.get("log_id") == log.id:  # changes typed before a pause are kept
        ctx.state.begin(edit_log.name, None)
        step = ctx.state.resume_step()
        return await form.ask(ctx, Step(step) if step else Step.REVIEW)
    ctx.state.begin(edit_log.name, Step.REVIEW, draft_of(log))
    return await review(ctx)
