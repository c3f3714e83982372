"""Filing and editing a growth log (成长日志): kind, date, what happened, hours, files, review, submit.

The same steps serve two flows: "log" (a new log) and "logedit" (changing a filed one), each with its
own draft, so editing an old log never overwrites a half-written new one.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from handlers.kit import Button, Ctx, FileRef, Flow, Screen, esc, excerpt, int_arg, rows
from handlers.menu import main_menu
from program.dates import check_activity_date, parse_activity_date
from program.errors import InvalidInput, NotAllowed, NotFound
from program.growth_log import (
    ACTIVITY_LABELS,
    MAX_ATTACHMENTS,
    MAX_FILE_BYTES,
    TEXT_LIMIT,
    ActivityKind,
    EditCheck,
    LogStatus,
    check_text_part,
    claims_session,
    ensure_editable,
    parse_hours,
    parse_kind,
)
from program.i18n import N_, Translator, month_day
from program.roles import Role
from program.text import size_in
from storage import logs, summaries
from storage import sessions as training

new_log = Flow("log", on_cancel_keep=N_("Stopped. Your draft is kept: send /log when you want to finish it."))
edit_log = Flow("logedit", on_cancel_keep=N_("Stopped. Your changes are kept: open the log again from “📚 My logs” → "
                                             "✏️ Edit to finish."))
FLOWS = (new_log, edit_log)

STEPS = ("kind", "date", "did", "learned", "next", "hours", "files")
TEXT_PARTS = {
    "did": (N_("What did you do?"), N_("What I did")),
    "learned": (N_("What did you learn?"), N_("What I learned")),
    "next": (N_("Any problems? What will you do next?"), N_("Problems and next steps")),
}
OPTIONAL_PARTS = {"learned", "next"}
HOUR_CHOICES = ("1", "1.5", "2", "3", "4")


def _p(ctx: Ctx, action: str, *args: object) -> str:
    return ":".join([ctx.state.flow or new_log.name, action, *(str(a) for a in args)])


def _header(ctx: Ctx, step: str) -> str:
    number = STEPS.index(step) + 1
    title = ctx.t("✏️ Changing a growth log") if ctx.state.flow == edit_log.name else ctx.t("📝 New growth log")
    return ctx.t("%(title)s · step %(n)d of %(total)d", title=title, n=number, total=len(STEPS))


def _back(ctx: Ctx, step: str) -> Button:
    if ctx.state.draft.get("back") == "review":
        return Button(ctx.t("« Back to review"), _p(ctx, "review"))
    index = STEPS.index(step)
    if index == 0:
        return Button(ctx.t("✖️ Cancel"), _p(ctx, "discard"))
    return Button(ctx.t("« Back"), _p(ctx, "step", STEPS[index - 1]))


STALE_NEW = N_("That button belongs to an earlier message. Send /log to continue your draft.")
STALE_EDIT = N_("That button belongs to an earlier message. Open the log again from “📚 My logs” to go on editing.")


def _expect(ctx: Ctx, *steps: str) -> dict[str, Any]:
    """Buttons of an earlier message must not change a draft that has moved on."""
    draft = ctx.state.data.get(ctx.state.flow or "")
    if draft is None or ctx.state.step not in steps:
        raise NotFound(STALE_EDIT if ctx.state.flow == edit_log.name else STALE_NEW)
    return draft


def activity_label(t: Translator, kind: str | None) -> str:
    return t.raw(ACTIVITY_LABELS[ActivityKind(kind)]) if kind else "—"


STATUS_ICONS = {"confirmed": "✅", "rejected": "↩️", "submitted": "⏳"}


def status_icon(log: Any) -> str:
    """✅ confirmed, ⏳ waiting, ↩️ sent back; 📓 a diary entry that needs no teacher."""
    return STATUS_ICONS[log.status] if claims_session(ActivityKind(log.kind)) else "📓"


def log_button_label(ctx: Ctx, log: Any) -> str:
    """How a filed log reads in a list: status, day, kind."""
    day = ctx.day(log.activity_date, year=log.activity_date.year != ctx.today().year)
    return f"{status_icon(log)} {day} {activity_label(ctx.t, log.kind)}"


def edit_facts(log: Any) -> EditCheck:
    return EditCheck(LogStatus(log.status), log.submitted_at, log.reviewed_at)


# ---- asking for each step ----------------------------------------------------------------------

async def ask(ctx: Ctx, step: str, *, resuming: bool = False) -> Screen:
    ctx.state.goto(step)
    ctx.state.draft.pop("replace", None)
    if step in TEXT_PARTS and ctx.state.draft.get(step) and not resuming:
        ctx.state.draft["replace"] = step  # coming back to a written part: the next message replaces it
    return await _ASK[step](ctx)


async def ask_kind(ctx: Ctx) -> Screen:
    offered = await training.sessions_to_log(ctx.session, ctx.me.id, ctx.now(), days=14)
    scheduled = [Button(f"📅 {ctx.day(s.starts_at.astimezone(ctx.services.zone).date())} {s.topic}"[:60],
                        _p(ctx, "session", s.id)) for s in offered[:3]]
    kinds = [Button(ctx.t.raw(ACTIVITY_LABELS[k]), _p(ctx, "kind", k.value)) for k in ActivityKind]
    text = _header(ctx, "kind") + "\n" + ctx.t("What kind of activity was it?")
    if scheduled:
        text += "\n" + ctx.t("A session your mentor scheduled is listed first.")
    return Screen(text, buttons=tuple((b,) for b in scheduled) + rows(*kinds, _back(ctx, "kind")))


async def ask_date(ctx: Ctx) -> Screen:
    today = ctx.today()
    return Screen(
        _header(ctx, "date") + "\n" + ctx.t("When was it?"),
        buttons=rows(Button(ctx.t("Today, %(day)s", day=ctx.day(today)), _p(ctx, "date", "today")),
                     Button(ctx.t("Yesterday, %(day)s", day=ctx.day(today - timedelta(days=1))),
                            _p(ctx, "date", "yesterday")),
                     Button(ctx.t("📅 Another date"), _p(ctx, "date", "other")),
                     _back(ctx, "date")))


def training_year(ctx: Ctx) -> tuple[date, date]:
    """The training period a log filed today belongs to: dates outside it are never accepted."""
    return ctx.services.calendar.for_date(ctx.today()).training


async def ask_date_text(ctx: Ctx) -> Screen:
    ctx.state.goto("date_text")
    example = max(ctx.today() - timedelta(days=3), training_year(ctx)[0])
    return Screen(ctx.t("Type the date, for example %(example)s or %(example_iso)s.",
                        example=month_day(example, ctx.t.language), example_iso=example.isoformat()),
                  buttons=rows(_back(ctx, "date")))


def _text_step(part: str):  # noqa: ANN202 - builds one asker per text part
    async def ask_part(ctx: Ctx) -> Screen:
        draft = ctx.state.draft
        question = ctx.t(TEXT_PARTS[part][0])
        lines = [_header(ctx, part), f"<b>{question}</b>",
                 ctx.t("Write in one message or several, then tap “Next”. Up to %(limit)d characters.",
                       limit=TEXT_LIMIT)]
        existing = draft.get(part, "")
        buttons: list[Button | None] = [_back(ctx, part)]
        if existing and draft.get("replace") == part:
            lines.append(ctx.t("Now: «%(excerpt)s». A new message replaces it; “Next” keeps it.",
                               excerpt=excerpt(existing)))
            buttons.append(Button(ctx.t("Next ▶"), _p(ctx, "next", part)))
        elif existing:  # asked again mid-way (after a refused message): what is kept, and how to go on
            lines.append(ctx.t("So far: «%(excerpt)s» (%(length)d of %(limit)d characters). Add more in another "
                               "message, or tap “Next”.", excerpt=excerpt(existing), length=len(existing),
                               limit=TEXT_LIMIT))
            buttons.append(Button(ctx.t("Next ▶"), _p(ctx, "next", part)))
        elif part in OPTIONAL_PARTS:
            buttons.append(Button(ctx.t("Skip ▶"), _p(ctx, "next", part)))
        return Screen("\n".join(lines), buttons=rows(*buttons))
    return ask_part


async def ask_hours(ctx: Ctx) -> Screen:
    choices = [Button(ctx.t("%(hours)s h", hours=h), _p(ctx, "hours", h)) for h in HOUR_CHOICES]
    return Screen(_header(ctx, "hours") + "\n" + ctx.t("How many hours did it take? Tap one or type a number "
                                                        "(for example 2.5)."),
                  buttons=rows(*choices, _back(ctx, "hours"), per_row=3))


async def ask_files(ctx: Ctx) -> Screen:
    files = ctx.state.draft.get("files", [])
    text = _header(ctx, "files") + "\n" + ctx.t(
        "Any photos or files? Send them now (up to %(count)d, each at most %(mb)d MB), then tap “Done”.",
        count=MAX_ATTACHMENTS, mb=MAX_FILE_BYTES // (1024 * 1024))
    if files:
        text += "\n" + _files_line(ctx, files)
    done = Button(ctx.t("Done, review ▶") if files else ctx.t("No files, review ▶"), _p(ctx, "review"))
    clear = Button(ctx.t("🗑 Remove files"), _p(ctx, "clearfiles")) if files else None
    return Screen(text, buttons=rows(_back(ctx, "files"), done, clear))


_ASK = {"kind": ask_kind, "date": ask_date, "date_text": ask_date_text, "hours": ask_hours, "files": ask_files,
        **{part: _text_step(part) for part in TEXT_PARTS}}


def hours_text(hours: float | None) -> str:
    return "—" if not hours else format(hours, "g")



def _files_line(ctx: Ctx, files: list[dict[str, Any]]) -> str:
    photos = sum(1 for f in files if f["kind"] == "photo")
    documents = len(files) - photos
    parts = []
    if photos:
        parts.append(ctx.t.plural("%(n)d photo", "%(n)d photos", photos))
    if documents:
        parts.append(ctx.t.plural("%(n)d file", "%(n)d files", documents))
    return ctx.t("Attached: %(list)s", list=ctx.t(", ").join(parts) if parts else "—")


# ---- moving through the steps ------------------------------------------------------------------

def _after(ctx: Ctx, step: str) -> str:
    """The next step, or back to the review when the student came from there to change one part."""
    draft = ctx.state.draft
    if draft.get("back") == "review":
        return "review"
    return STEPS[STEPS.index(step) + 1] if step != STEPS[-1] else "review"


async def _go(ctx: Ctx, step: str, *, resuming: bool = False) -> Screen:
    """To a step; `resuming` a paused draft keeps adding to the part it was at instead of replacing it."""
    if step == "review":
        return await review(ctx)
    return await ask(ctx, step, resuming=resuming)


@new_log.command("log", role=Role.STUDENT)
@new_log.button("new", role=Role.STUDENT)
async def begin_new(ctx: Ctx) -> Screen:
    if ctx.me.exited_at is not None:
        raise NotAllowed(N_("You have left the program, so new growth logs cannot be filed."))
    ctx.state.switch(new_log.name)
    if ctx.state.has_draft(new_log.name):
        draft = ctx.state.data[new_log.name]
        summary = ", ".join(x for x in (activity_label(ctx.t, draft.get("kind")),
                                        ctx.day(date.fromisoformat(draft["date"])) if draft.get("date") else "")
                            if x and x != "—")
        ctx.state.pause()  # remembers the step it was at
        ctx.state.goto("resume_offer")
        return Screen(ctx.t("You have an unfinished growth log (%(summary)s). Continue it?",
                            summary=summary or ctx.t("just started")),
                      buttons=rows(Button(ctx.t("▶ Continue"), new_log.payload("resume")),
                                   Button(ctx.t("🆕 Start over"), new_log.payload("fresh"))))
    ctx.state.begin(new_log.name, "kind", {})
    return await ask_kind(ctx)


@new_log.button("resume", role=Role.STUDENT)
async def resume(ctx: Ctx) -> Screen:
    if not ctx.state.has_draft(new_log.name):
        return await begin_new(ctx)
    _expect(ctx, "resume_offer")
    step = ctx.state.resume_step() or _first_missing(ctx.state.draft)
    return await _go(ctx, step, resuming=True)


@new_log.button("fresh", role=Role.STUDENT)
async def start_over(ctx: Ctx) -> Screen:
    _expect(ctx, "resume_offer")  # an old "start over" must not wipe a draft written since
    ctx.state.begin(new_log.name, "kind", {})
    return await ask_kind(ctx)


def _first_missing(draft: dict[str, Any]) -> str:
    for step in ("kind", "date", "did", "hours"):
        if not draft.get(step):
            return step
    return "review"


def _register(flow: Flow) -> None:
    flow.button("step", role=Role.STUDENT)(go_to_step)
    flow.button("kind", role=Role.STUDENT)(take_kind)
    flow.button("session", role=Role.STUDENT)(take_session)
    flow.button("date", role=Role.STUDENT)(take_date_choice)
    flow.text("date_text")(take_date_text)
    flow.text(*TEXT_PARTS)(take_text)
    flow.button("next", role=Role.STUDENT)(next_after_text)
    flow.button("hours", role=Role.STUDENT)(take_hours_button)
    flow.text("hours")(take_hours_text)
    flow.files()(take_files)
    flow.button("clearfiles", role=Role.STUDENT)(clear_files)
    flow.button("review", role=Role.STUDENT)(show_review)
    flow.button("change", role=Role.STUDENT)(choose_change)
    flow.button("submit", role=Role.STUDENT)(submit)
    flow.button("discard", role=Role.STUDENT)(ask_discard)
    flow.button("drop", role=Role.STUDENT)(discard)
    for step, asker in _ASK.items():
        flow.prompt(step)(asker)
    flow.prompt("review")(review)
    flow.text("date")(take_date_text)
    flow.text("kind", "review", "files", "change")(_use_buttons)


async def go_to_step(ctx: Ctx, step: str) -> Screen:
    _expect(ctx, *STEPS, "date_text", "review", "change")
    if step not in _ASK:
        raise NotFound()
    return await ask(ctx, step)


async def take_kind(ctx: Ctx, kind: str) -> Screen:
    draft = _expect(ctx, "kind")
    draft["kind"] = parse_kind(kind).value
    draft.pop("session_id", None)
    return await _go(ctx, _after(ctx, "kind"))


async def take_session(ctx: Ctx, session_id: str) -> Screen:
    """A scheduled session: kind, date and link come from it, so the student goes straight to writing."""
    draft = _expect(ctx, "kind")
    found = await training.invitation(ctx.session, int_arg(session_id), ctx.me.id)
    if found is None:
        raise NotFound()
    draft.update(kind=ActivityKind.MENTOR_MEETING.value, session_id=found.id,
                 date=check_activity_date(found.starts_at.astimezone(ctx.services.zone).date(), ctx.today(),
                                          training_year(ctx)).isoformat())
    return await _go(ctx, "review" if draft.get("back") == "review" else "did")


@new_log.button("for", role=Role.STUDENT)
async def log_scheduled_session(ctx: Ctx, session_id: str, confirmed: str = "") -> Screen:
    """From a reminder: a new log already filled in with the session, so the student starts writing at once.

    An unfinished draft about something else is never thrown away silently: the student chooses.
    """
    if ctx.me.exited_at is not None:
        raise NotAllowed(N_("You have left the program, so new growth logs cannot be filed."))
    found, logged = await summaries.session_to_log(ctx.session, int_arg(session_id), ctx.me.id)
    if found is None:
        raise NotFound(N_("Session not found. It may have been cancelled, or you were not invited."))
    if logged:
        return main_menu(ctx, ctx.t("✅ You already filed the growth log of this session. Thank you!"))
    ctx.state.switch(new_log.name)
    draft = ctx.state.data.get(new_log.name)
    if draft and draft.get("session_id") == found.id:
        ctx.state.begin(new_log.name, None)
        return await _go(ctx, ctx.state.resume_step() or _first_missing(draft), resuming=True)
    if draft and confirmed != "new":
        ctx.state.pause()
        ctx.state.goto("resume_offer")
        return Screen(ctx.t("You have an unfinished growth log (%(summary)s). Continue it, or start the log of "
                            "“%(topic)s”? (The unfinished one is then thrown away.)",
                            summary=activity_label(ctx.t, draft.get("kind")), topic=found.topic),
                      buttons=rows(Button(ctx.t("▶ Continue"), new_log.payload("resume")),
                                   Button(ctx.t.plain("🆕 Log “%(topic)s”", topic=excerpt(found.topic, 20)),
                                          new_log.payload("for", found.id, "new")), per_row=1))
    day = check_activity_date(found.starts_at.astimezone(ctx.services.zone).date(), ctx.today(), training_year(ctx))
    ctx.state.begin(new_log.name, "did", {"kind": ActivityKind.MENTOR_MEETING.value, "session_id": found.id,
                                          "date": day.isoformat()})
    return await ask(ctx, "did")


async def take_date_choice(ctx: Ctx, choice: str) -> Screen:
    draft = _expect(ctx, "date", "date_text")
    if choice == "other":
        return await ask_date_text(ctx)
    offsets = {"today": 0, "yesterday": 1}
    if choice not in offsets:
        raise NotFound()
    day = check_activity_date(ctx.today() - timedelta(days=offsets[choice]), ctx.today(), training_year(ctx))
    draft["date"] = day.isoformat()
    return await _go(ctx, _after(ctx, "date"))


async def take_date_text(ctx: Ctx, text: str) -> list[Screen]:
    """A typed date is said back as understood, with its year, before the next question."""
    day = parse_activity_date(text, ctx.today(), training_year(ctx))
    ctx.state.draft["date"] = day.isoformat()
    return [Screen(ctx.t("📅 Date: %(day)s", day=day)), await _go(ctx, _after(ctx, "date"))]


async def take_text(ctx: Ctx, text: str) -> Screen:
    part = ctx.state.step or "did"
    draft = ctx.state.draft
    existing = "" if draft.get("replace") == part else draft.get(part, "")
    draft[part] = check_text_part(existing, text)
    draft.pop("replace", None)
    return Screen(ctx.t("Noted (%(length)d of %(limit)d characters). Add more in another message, "
                        "or tap “Next”.", length=len(draft[part]), limit=TEXT_LIMIT),
                  buttons=rows(Button(ctx.t("Next ▶"), _p(ctx, "next", part))))


async def next_after_text(ctx: Ctx, part: str) -> Screen:
    draft = _expect(ctx, *TEXT_PARTS)
    if part != ctx.state.step:
        raise NotFound(STALE_EDIT if ctx.state.flow == edit_log.name else STALE_NEW)
    if part not in OPTIONAL_PARTS and not draft.get(part):
        raise InvalidInput(N_("Please write at least a sentence first."))
    draft.pop("replace", None)
    return await _go(ctx, _after(ctx, part))


async def take_hours_button(ctx: Ctx, hours: str) -> Screen:
    _expect(ctx, "hours")
    return await _set_hours(ctx, hours)


async def take_hours_text(ctx: Ctx, text: str) -> Screen:
    return await _set_hours(ctx, text)


async def _set_hours(ctx: Ctx, value: str) -> Screen:
    ctx.state.draft["hours"] = parse_hours(value)
    return await _go(ctx, _after(ctx, "hours"))


async def take_files(ctx: Ctx, files: tuple[FileRef, ...]) -> list[Screen]:
    draft = ctx.state.draft
    attached = list(draft.get("files", []))
    for file in files:
        if file.size is not None and file.size > MAX_FILE_BYTES:
            raise InvalidInput(N_("“%(name)s” is %(size)s MB; files can be at most %(limit)d MB. "
                                  "Nothing was attached."),
                               name=file.file_name or (ctx.t("photo") if file.kind == "photo" else ctx.t("file")),
                               size=size_in(file.size, 1024 * 1024),
                               limit=MAX_FILE_BYTES // (1024 * 1024))
        if any(a.get("file_unique_id") and a.get("file_unique_id") == file.file_unique_id for a in attached):
            continue
        attached.append(file.to_dict())
    if len(attached) > MAX_ATTACHMENTS:
        raise InvalidInput(N_("A growth log can have at most %(count)d attachments."), count=MAX_ATTACHMENTS)
    draft["files"] = attached
    screens = []
    caption = ctx.incoming.text
    if caption and ctx.state.step in TEXT_PARTS:
        screens.append(await take_text(ctx, caption))
    elif ctx.state.step != "files":
        screens.append(Screen(_files_line(ctx, attached) + "\n" + ctx.t("Go on with the current step.")))
    if ctx.state.step == "files":
        screens.append(await ask_files(ctx))
    return screens


async def clear_files(ctx: Ctx) -> Screen:
    _expect(ctx, "files")
    ctx.state.draft["files"] = []
    return await ask_files(ctx)


async def _use_buttons(ctx: Ctx, text: str) -> Screen:
    raise InvalidInput(N_("Please use the buttons below."))


_use_buttons.wants_buttons = True  # type: ignore[attr-defined]  # a typed number here picks an option


# ---- review and submit ---------------------------------------------------------------------------

def summary(ctx: Ctx, draft: dict[str, Any]) -> str:
    lines = [ctx.t("Kind: %(kind)s", kind=activity_label(ctx.t, draft.get("kind"))),
             ctx.t("Date: %(day)s", day=ctx.day(date.fromisoformat(draft["date"]), year=True) if draft.get("date") else "—"),
             ctx.t("Hours: %(hours)s", hours=hours_text(draft.get("hours")))]
    for part, (_, title) in TEXT_PARTS.items():
        lines.append(f"\n<b>{ctx.t(title)}</b>\n{esc(draft.get(part) or '—')}")
    lines.append("\n" + _files_line(ctx, draft.get("files", [])))
    return "\n".join(lines)



async def review(ctx: Ctx) -> Screen:
    draft = ctx.state.draft
    draft.pop("back", None)
    missing = _first_missing(draft)
    if missing != "review":
        return await ask(ctx, missing)
    ctx.state.goto("review")
    title = ctx.t("<b>Please check your growth log</b>")
    submit_label = ctx.t("💾 Save changes") if ctx.state.flow == edit_log.name else ctx.t("✅ Submit")
    return Screen(f"{title}\n{summary(ctx, draft)}",
                  buttons=rows(Button(submit_label, _p(ctx, "submit")), Button(ctx.t("✏️ Change a part"), _p(ctx, "change")),
                               Button(ctx.t("🗑 Discard") if ctx.state.flow == new_log.name else ctx.t("✖️ Keep as it was"),
                                      _p(ctx, "discard"))))




async def show_review(ctx: Ctx) -> Screen:
    _expect(ctx, *STEPS, "date_text", "review", "change")
    return await review(ctx)


async def choose_change(ctx: Ctx) -> Screen:
    draft = _expect(ctx, "review")
    draft["back"] = "review"
    ctx.state.goto("change")
    labels = {"kind": N_("Kind"), "date": N_("Date"), "did": N_("What I did"), "learned": N_("What I learned"),
              "next": N_("Problems and next steps"), "hours": N_("Hours"), "files": N_("Files")}
    return Screen(ctx.t("Which part do you want to change?"), replace=True,
                  buttons=rows(*(Button(ctx.t(label), _p(ctx, "step", step)) for step, label in labels.items()),
                               Button(ctx.t("« Back to review"), _p(ctx, "review"))))


async def submit(ctx: Ctx) -> list[Screen]:
    draft = _expect(ctx, "review")
    if _first_missing(draft) != "review":
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
        ensure_editable(edit_facts(log), ctx.now(),
                        ctx.services.calendar.log_edit_days)
        await logs.change_log(ctx.session, log, **fields)
        done = ctx.t("💾 Changes saved.")
    else:
        if ctx.me.exited_at is not None:
            raise NotAllowed(N_("You have left the program, so new growth logs cannot be filed."))
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


async def ask_discard(ctx: Ctx) -> Screen:
    _expect(ctx, *STEPS, "date_text", "review", "change")
    ctx.state.pause()
    ctx.state.goto("discard")
    question = ctx.t("Throw this draft away?") if ctx.state.flow == new_log.name else \
        ctx.t("Stop changing this log? It stays as it was.")
    return Screen(question, buttons=rows(Button(ctx.t("Yes"), _p(ctx, "drop")),
                                         Button(ctx.t("No, go on"), _p(ctx, "resume_here"))))


async def discard(ctx: Ctx) -> Screen:
    _expect(ctx, "discard")  # only right after "throw away?", never from an older message
    editing = ctx.state.flow == edit_log.name
    ctx.state.finish()
    return main_menu(ctx, ctx.t("The log is unchanged.") if editing else ctx.t("Draft thrown away."))


async def resume_here(ctx: Ctx) -> Screen:
    draft = _expect(ctx, "discard")
    return await _go(ctx, ctx.state.resume_step() or _first_missing(draft), resuming=True)


for _flow in FLOWS:
    _register(_flow)
    _flow.button("resume_here", role=Role.STUDENT)(resume_here)


def draft_of(log: Any) -> dict[str, Any]:
    """A filed log in the shape of a draft, for the same summary and for editing."""
    return {"log_id": log.id, "kind": log.kind, "date": log.activity_date.isoformat(), "did": log.did,
            "learned": log.learned, "next": log.next_steps, "hours": log.hours, "session_id": log.session_id,
            "files": [FileRef(a.kind, a.file_id, a.file_unique_id, a.file_name, a.mime_type, a.size).to_dict()
                      for a in log.attachments]}


def attachment_screens(log: Any) -> list[Screen]:
    return [Screen("", attachment=FileRef(a.kind, a.file_id, a.file_unique_id, a.file_name, a.mime_type, a.size))
            for a in log.attachments]


async def start_editing(ctx: Ctx, log: Any) -> Screen:
    """From "My logs": load a filed log into the edit draft and show its review."""
    ensure_editable(edit_facts(log), ctx.now(),
                    ctx.services.calendar.log_edit_days)
    unfinished = ctx.state.data.get(edit_log.name)
    if unfinished and unfinished.get("log_id") == log.id:  # changes typed before a pause are kept
        ctx.state.begin(edit_log.name, None)
        return await _go(ctx, ctx.state.resume_step() or "review", resuming=True)
    ctx.state.begin(edit_log.name, "review", draft_of(log))
    return await review(ctx)
