"""The growth log's answers: each step's buttons and typed text, and files at any step."""
from __future__ import annotations

from datetime import timedelta

from handlers.growth_log.form import (
    OPTIONAL_PARTS,
    PARTS,
    ClearFiles,
    ClearFilesSure,
    ClearPart,
    NextPart,
    Step,
    TakeDate,
    TakeHours,
    TakeKind,
    TakeSession,
    ask_date_text,
    ask_files,
    both,
    form,
    link,
    training_year,
)
from handlers.kit import Button, Ctx, FileRef, Screen, Stale, rows, wants_buttons
from handlers.kit.wizard import BACK_TO_REVIEW, GoTo
from handlers.views.logs import files_line
from program.dates import check_activity_date, parse_activity_date
from program.errors import InvalidInput, NotFound
from program.growth_log import (
    MAX_ATTACHMENTS,
    MAX_FILE_BYTES,
    TEXT_LIMIT,
    ActivityKind,
    check_text_part,
    parse_hours,
)
from program.i18n import N_
from program.roles import Role
from program.text import size_in
from storage import sessions as training

STUDENT = Role.STUDENT


@both.button(TakeKind, STUDENT, steps=(Step.KIND,))
async def take_kind(ctx: Ctx, tap: TakeKind) -> Screen:
    draft = ctx.state.draft
    draft["kind"] = tap.kind.value
    draft.pop("session_id", None)
    return await form.after(ctx, Step.KIND)


@both.button(TakeSession, STUDENT, steps=(Step.KIND,))
async def take_session(ctx: Ctx, tap: TakeSession) -> Screen:
    """A scheduled session: kind, date and link come from it, so the student goes straight to writing."""
    draft = ctx.state.draft
    found = await training.invitation(ctx.session, tap.session_id, ctx.me.id)
    if found is None:
        raise NotFound()
    draft.update(kind=ActivityKind.MENTOR_MEETING.value, session_id=found.id,
                 date=check_activity_date(found.starts_at.astimezone(ctx.services.zone).date(),
                                          ctx.today(), training_year(ctx)).isoformat())
    return await form.show_review(ctx) if draft.get(BACK_TO_REVIEW) else await form.ask(ctx, Step.DID)


@both.button(TakeDate, STUDENT, steps=(Step.DATE, Step.DATE_TEXT))
async def take_date_choice(ctx: Ctx, tap: TakeDate) -> Screen:
    if tap.choice == "other":
        return await ask_date_text(ctx)
    offsets = {"today": 0, "yesterday": 1}
    if tap.choice not in offsets:
        raise NotFound()
    day = check_activity_date(ctx.today() - timedelta(days=offsets[tap.choice]), ctx.today(), training_year(ctx))
    ctx.state.draft["date"] = day.isoformat()
    return await form.after(ctx, Step.DATE)


@both.text(Step.DATE, Step.DATE_TEXT)
async def take_date_text(ctx: Ctx, text: str) -> list[Screen]:
    """A typed date is said back as understood, with its year, before the next question."""
    day = parse_activity_date(text, ctx.today(), training_year(ctx))
    ctx.state.draft["date"] = day.isoformat()
    return [Screen(ctx.t("📅 Date: %(day)s", day=day)), await form.after(ctx, Step.DATE)]


@both.text(*PARTS)
async def take_text(ctx: Ctx, text: str) -> Screen:
    part = Step(ctx.state.step or Step.DID)
    draft = ctx.state.draft
    draft[part.value] = check_text_part(draft.get(part.value, ""), text)  # always added, never replacing
    return Screen(ctx.t("Noted (%(length)d of %(limit)d characters). Add more in another message, "
                        "or tap “Next”.", length=len(draft[part.value]), limit=TEXT_LIMIT),
                  buttons=rows(Button(ctx.t("Next ▶"), link(ctx, NextPart(part.value)))))


@both.button(ClearPart, STUDENT, steps=PARTS)
async def clear_part(ctx: Ctx, tap: ClearPart) -> Screen:
    part = Step(ctx.state.step or Step.DID)
    if tap.part != part.value:
        raise Stale(ctx.services.flows[ctx.state.flow or ""])
    ctx.state.draft[part.value] = ""
    return await form.ask(ctx, part)


@both.button(NextPart, STUDENT, steps=PARTS)
async def next_after_text(ctx: Ctx, tap: NextPart) -> Screen:
    part = Step(ctx.state.step or Step.DID)
    if tap.part != part.value:  # "Next" under an earlier part
        raise Stale(ctx.services.flows[ctx.state.flow or ""])
    if part not in OPTIONAL_PARTS and not ctx.state.draft.get(part.value):
        raise InvalidInput(N_("Please write at least a sentence first."))
    return await form.after(ctx, part)


@both.button(TakeHours, STUDENT, steps=(Step.HOURS,))
async def take_hours_button(ctx: Ctx, tap: TakeHours) -> Screen:
    return await _set_hours(ctx, tap.hours)


@both.text(Step.HOURS)
async def take_hours_text(ctx: Ctx, text: str) -> Screen:
    return await _set_hours(ctx, text)


async def _set_hours(ctx: Ctx, value: str) -> Screen:
    ctx.state.draft["hours"] = parse_hours(value)
    return await form.after(ctx, Step.HOURS)


@both.files()
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
    if caption and ctx.state.step in {p.value for p in PARTS}:
        screens.append(await take_text(ctx, caption))
    elif ctx.state.step != Step.FILES:
        screens.append(Screen(files_line(ctx, attached) + "\n" + ctx.t("Go on with the current step.")))
    if ctx.state.step == Step.FILES:
        screens.append(await ask_files(ctx))
    return screens


@both.button(ClearFiles, STUDENT, steps=(Step.FILES,))
async def ask_clear_files(ctx: Ctx, tap: ClearFiles) -> Screen:
    """Removing every attachment is asked first, with how many."""
    count = len(ctx.state.draft.get("files", []))
    if not count:
        return await ask_files(ctx)
    return Screen(ctx.t.plural("Remove the %(n)d attached file?", "Remove all %(n)d attached files?", count),
                  buttons=rows(Button(ctx.t("🗑 Yes, remove"), link(ctx, ClearFilesSure(count))),
                               Button(ctx.t("Keep them"), link(ctx, GoTo(Step.FILES.value)))))


@both.button(ClearFilesSure, STUDENT, steps=(Step.FILES,))
async def clear_files(ctx: Ctx, tap: ClearFilesSure) -> Screen:
    if tap.count == len(ctx.state.draft.get("files", [])):
        ctx.state.draft["files"] = []
    return await ask_files(ctx)


@both.text(Step.KIND, Step.REVIEW, Step.FILES, Step.CHANGE)
@wants_buttons
async def use_buttons(ctx: Ctx, text: str) -> Screen:
    raise InvalidInput(N_("Please use the buttons below."))
