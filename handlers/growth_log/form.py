"""The growth log's declared form: its steps, its buttons, and how each step is asked, for both flows."""
from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Flows, Payload, Screen, excerpt, rows
from handlers.kit.wizard import ToReview, Wizard
from handlers.views.logs import TEXT_PARTS, files_line
from program.growth_log import ACTIVITY_LABELS, MAX_ATTACHMENTS, MAX_FILE_BYTES, TEXT_LIMIT, ActivityKind
from program.i18n import N_, month_day
from program.roles import Role
from storage import sessions as training


class Step(StrEnum):
    KIND = "kind"
    DATE = "date"
    DATE_TEXT = "date_text"
    DID = "did"
    LEARNED = "learned"
    NEXT = "next"
    HOURS = "hours"
    FILES = "files"
    REVIEW = "review"
    CHANGE = "change"
    RESUME_OFFER = "resume_offer"
    DISCARD = "discard"


new_log = Flow("log", Step, on_cancel_keep=N_("Stopped. Your draft is kept: send /log when you want to finish it."),
               paused_hint=N_("Send /log to continue your draft."),
               done_hint=N_("That growth log was already filed or thrown away. Send /log to write a new one."))
edit_log = Flow("logedit", Step,
                on_cancel_keep=N_("Stopped. Your changes are kept: open the log again from “📚 My logs” → "
                                  "✏️ Edit to finish."),
                paused_hint=N_("Open the log again from “📚 My logs” to go on editing."),
                done_hint=N_("Those changes were already saved or dropped. Open the log from “📚 My logs” to "
                             "change it again."))
FLOWS = (new_log, edit_log)
both = Flows(*FLOWS)
PARTS = (Step.DID, Step.LEARNED, Step.NEXT)
OPTIONAL_PARTS = {Step.LEARNED, Step.NEXT}
HOUR_CHOICES = ("1", "1.5", "2", "3", "4")
EVERY_FORM_STEP = (Step.KIND, Step.DATE, Step.DATE_TEXT, *PARTS, Step.HOURS, Step.FILES, Step.REVIEW, Step.CHANGE)


class TakeKind(Payload, action="kind"):
    kind: ActivityKind


class TakeSession(Payload, action="session"):
    session_id: int


class TakeDate(Payload, action="date"):
    choice: str  # today | yesterday | other


class NextPart(Payload, action="next"):
    part: str


class TakeHours(Payload, action="hours"):
    hours: str


class ClearPart(Payload, action="clearpart"):
    part: str


class ClearFiles(Payload, action="clearfiles"):
    pass


class ClearFilesSure(Payload, action="clearsure"):
    count: int  # how many the student was asked about: a file sent since is not removed unasked


class Submit(Payload, action="submit"):
    pass


class AskDiscard(Payload, action="discard"):
    pass


class Discard(Payload, action="drop"):
    pass


class GoOn(Payload, action="resume_here"):
    pass


def _title(ctx: Ctx) -> str:
    return ctx.t("✏️ Changing a growth log") if ctx.state.flow == edit_log.name else ctx.t("📝 New growth log")


form = Wizard(both, order=(Step.KIND, Step.DATE, *PARTS, Step.HOURS, Step.FILES), review=Step.REVIEW,
              title=_title, role=Role.STUDENT, change=Step.CHANGE, substeps=(Step.DATE_TEXT,),
              labels={Step.KIND: N_("Kind"), Step.DATE: N_("Date"), Step.DID: N_("What I did"),
                      Step.LEARNED: N_("What I learned"), Step.NEXT: N_("Problems and next steps"),
                      Step.HOURS: N_("Hours"), Step.FILES: N_("Files")},
              cancel=AskDiscard())


def link(ctx: Ctx, payload: Payload) -> str:
    return form.link(ctx, payload)


@form.asks(Step.KIND)
async def ask_kind(ctx: Ctx) -> Screen:
    offered = await training.sessions_to_log(ctx.session, ctx.me.id, ctx.now(), days=14)
    scheduled = [Button(f"📅 {ctx.day(s.starts_at.astimezone(ctx.services.zone).date())} {s.topic}"[:60],
                        link(ctx, TakeSession(s.id))) for s in offered[:3]]
    kinds = [Button(ctx.t.raw(ACTIVITY_LABELS[k]), link(ctx, TakeKind(k))) for k in ActivityKind]
    text = form.header(ctx, Step.KIND) + "\n" + ctx.t("What kind of activity was it?")
    if scheduled:
        text += "\n" + ctx.t("A session your mentor scheduled is listed first.")
    return Screen(text, buttons=tuple((b,) for b in scheduled) + rows(*kinds, form.back(ctx, Step.KIND)))


@form.asks(Step.DATE)
async def ask_date(ctx: Ctx) -> Screen:
    today = ctx.today()
    return Screen(
        form.header(ctx, Step.DATE) + "\n" + ctx.t("When was it?"),
        buttons=rows(Button(ctx.t("Today, %(day)s", day=ctx.day(today)), link(ctx, TakeDate("today"))),
                     Button(ctx.t("Yesterday, %(day)s", day=ctx.day(today - timedelta(days=1))),
                            link(ctx, TakeDate("yesterday"))),
                     Button(ctx.t("📅 Another date"), link(ctx, TakeDate("other"))),
                     form.back(ctx, Step.DATE)))


def training_year(ctx: Ctx) -> tuple[date, date]:
    """The training period a log filed today belongs to: dates outside it are never accepted."""
    return ctx.services.calendar.for_date(ctx.today()).training


@form.asks(Step.DATE_TEXT)
async def ask_date_text(ctx: Ctx) -> Screen:
    ctx.state.goto(Step.DATE_TEXT)
    example = max(ctx.today() - timedelta(days=3), training_year(ctx)[0])
    return Screen(ctx.t("Type the date, for example %(example)s or %(example_iso)s.",
                        example=month_day(example, ctx.t.language), example_iso=example.isoformat()),
                  buttons=rows(form.back(ctx, Step.DATE)))


@form.asks(*PARTS)
async def ask_part(ctx: Ctx) -> Screen:
    part = Step(ctx.state.step or Step.DID)
    draft = ctx.state.draft
    question = ctx.t(TEXT_PARTS[part.value][0])
    lines = [form.header(ctx, part), f"<b>{question}</b>",
             ctx.t("Write in one message or several, then tap “Next”. Up to %(limit)d characters.",
                   limit=TEXT_LIMIT)]
    existing = draft.get(part.value, "")
    buttons: list[Button | None] = [form.back(ctx, part)]
    if existing:  # written before: a new message adds to it, as the line above says; starting over is a tap
        lines.append(ctx.t("So far: «%(excerpt)s» (%(length)d of %(limit)d characters). Add more in another "
                           "message, or tap “Next”.", excerpt=excerpt(existing), length=len(existing),
                           limit=TEXT_LIMIT))
        buttons += [Button(ctx.t("Next ▶"), link(ctx, NextPart(part.value))),
                    Button(ctx.t("🧹 Clear and rewrite"), link(ctx, ClearPart(part.value)))]
    elif part in OPTIONAL_PARTS:
        buttons.append(Button(ctx.t("Skip ▶"), link(ctx, NextPart(part.value))))
    return Screen("\n".join(lines), buttons=rows(*buttons))


@form.asks(Step.HOURS)
async def ask_hours(ctx: Ctx) -> Screen:
    choices = [Button(ctx.t("%(hours)s h", hours=h), link(ctx, TakeHours(h))) for h in HOUR_CHOICES]
    return Screen(form.header(ctx, Step.HOURS) + "\n" + ctx.t("How many hours did it take? Tap one or type a "
                                                              "number (for example 2.5)."),
                  buttons=rows(*choices, form.back(ctx, Step.HOURS), per_row=3))


@form.asks(Step.FILES)
async def ask_files(ctx: Ctx) -> Screen:
    files = ctx.state.draft.get("files", [])
    label = ctx.t("Done, review ▶") if files else ctx.t("No files, review ▶")
    text = form.header(ctx, Step.FILES) + "\n" + ctx.t(  # the text names the very button below
        "Any photos or files? Send them now (up to %(count)d, each at most %(mb)d MB), then tap “%(button)s”.",
        count=MAX_ATTACHMENTS, mb=MAX_FILE_BYTES // (1024 * 1024), button=label)
    if files:
        text += "\n" + files_line(ctx, files)
    done = Button(label, link(ctx, ToReview()))
    clear = Button(ctx.t("🗑 Remove files"), link(ctx, ClearFiles())) if files else None
    return Screen(text, buttons=rows(form.back(ctx, Step.FILES), done, clear))


def first_missing(draft: dict[str, object]) -> Step:
    for step in (Step.KIND, Step.DATE, Step.DID, Step.HOURS):
        if not draft.get(step.value):
            return step
    return Step.REVIEW
