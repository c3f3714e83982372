"""Scheduling a training session: when, where, topic, which students; they are told and answer yes or no."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Flows, Payload, Screen, pager, rows
from handlers.kit.wizard import ChangePart, Wizard
from handlers.views.links import CannotCome, ChangeRsvp, WillCome
from handlers.views.sessions import answered, choices, invitation, starts, when_text
from handlers.views.students import NOT_YOURS, page_of
from program.clock import local_now
from program.errors import InvalidInput, NotAllowed, NotFound
from program.i18n import N_, Translator, format_moment
from program.roles import Role
from program.session_times import parse_session_time
from storage import people
from storage import sessions as training
from storage.models import TrainingSession


class Step(StrEnum):
    WHEN = "when"
    PLACE = "place"
    TOPIC = "topic"
    WHO = "who"
    REVIEW = "review"
    CHANGE = "change"


schedule = Flow("ses", Step, paused_hint=N_("Send /schedule to go on."),
                done_hint=N_("That session was already scheduled or cancelled. Send /schedule for a new one."))
rsvp = Flow("rsvp")
EVERY_STEP = tuple(Step)


class Pick(Payload, flow="ses", action="pick"):
    student_id: int
    page: int = 0  # the page of the list it was on, shown again


class PickAll(Payload, flow="ses", action="all"):
    page: int = 0


class WhoPage(Payload, flow="ses", action="who"):
    """Another page of the students to choose from; the choice so far is kept in the draft."""

    page: int


class Chosen(Payload, flow="ses", action="done"):
    pass


class Send(Payload, flow="ses", action="send"):
    pass


class CancelScheduling(Payload, flow="ses", action="cancel"):
    pass


form = Wizard(Flows(schedule), order=(Step.WHEN, Step.PLACE, Step.TOPIC, Step.WHO), review=Step.REVIEW,
              title=lambda ctx: ctx.t("📅 New session"), role=Role.MENTOR, change=Step.CHANGE,
              labels={Step.WHEN: N_("When"), Step.PLACE: N_("Where"), Step.TOPIC: N_("Topic"),
                      Step.WHO: N_("Students")}, cancel=CancelScheduling(), cancel_on_every_step=True)
FIELD_LIMIT = 200


def _when(ctx: Ctx, draft: dict) -> str:  # the draft's time, as every session's time reads
    end = draft.get("ends_at")
    return when_text(ctx.t, datetime.fromisoformat(draft["starts_at"]), datetime.fromisoformat(end) if end else None,
                     ctx.services.zone)


@schedule.command("schedule", role=Role.MENTOR)
async def start_scheduling(ctx: Ctx) -> list[Screen]:
    screens = []
    upcoming = await training.upcoming_for_mentor(ctx.session, ctx.me.id, ctx.now())
    if upcoming:
        lines = [ctx.t("<b>Coming sessions</b>")]
        for session, coming, declined, waiting in upcoming[:5]:
            lines.append(ctx.t("%(when)s · %(topic)s · %(place)s: %(yes)d coming, %(no)d not, %(open)d no answer",
                               when=ctx.moment(session.starts_at), topic=session.topic, place=session.place,
                               yes=coming, no=declined, open=waiting))
        screens.append(Screen("\n".join(lines)))
    ctx.state.begin(schedule.name, Step.WHEN, {"students": []})
    screens.append(await ask_when(ctx))
    return screens


@form.asks(Step.WHEN)
async def ask_when(ctx: Ctx) -> Screen:
    return Screen(form.header(ctx, Step.WHEN) + "\n" + ctx.t(
        "When is it? For example Dec 5 3pm-5pm, next Wednesday 3pm or tomorrow 9:30 (the end time is optional)."),
        buttons=rows(*form.nav(ctx, Step.WHEN)))


@schedule.text(Step.WHEN)
async def take_when(ctx: Ctx, text: str) -> list[Screen]:
    """The time as understood, said back with its weekday, before the next question."""
    start, end = parse_session_time(text, local_now(ctx.clock, ctx.services.zone))
    ctx.state.draft["starts_at"] = start.isoformat()
    ctx.state.draft["ends_at"] = end.isoformat() if end else None
    return [Screen(ctx.t("🕒 When: %(when)s", when=_when(ctx, ctx.state.draft))), await form.after(ctx, Step.WHEN)]


@form.asks(Step.PLACE)
async def ask_place(ctx: Ctx) -> Screen:
    return Screen(form.header(ctx, Step.PLACE) + "\n" + ctx.t("📍 Where? (room, building)"),
                  buttons=rows(*form.nav(ctx, Step.PLACE)))


def _short_text(text: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(value) > FIELD_LIMIT:
        raise InvalidInput(N_("Please keep it under %(limit)d characters (this has %(length)d)."),
                           limit=FIELD_LIMIT, length=len(value))
    return value


@schedule.text(Step.PLACE)
async def take_place(ctx: Ctx, text: str) -> Screen:
    ctx.state.draft["place"] = _short_text(text)
    return await form.after(ctx, Step.PLACE)


@form.asks(Step.TOPIC)
async def ask_topic(ctx: Ctx) -> Screen:
    return Screen(form.header(ctx, Step.TOPIC) + "\n" + ctx.t("📝 Topic?"), buttons=rows(*form.nav(ctx, Step.TOPIC)))


@schedule.text(Step.TOPIC)
async def take_topic(ctx: Ctx, text: str) -> Screen:
    ctx.state.draft["topic"] = _short_text(text)
    return await form.after(ctx, Step.TOPIC)


@form.asks(Step.WHO)
async def ask_who(ctx: Ctx, *, page: int = 0, replace: bool = False) -> Screen:
    """A page of the students, ticked as chosen: the choice lives in the draft, so it survives paging."""
    students = [s for s in await people.students_of(ctx.session, ctx.me.id, "mentor") if s.exited_at is None]
    chosen = set(ctx.state.draft.get("students", []))
    shown, page, pages = page_of(students, page)
    buttons = [Button(("☑ " if s.id in chosen else "☐ ") + s.name, Pick(s.id, page)) for s in shown]
    text = form.header(ctx, Step.WHO) + "\n" + ctx.t("👥 Which students? Tap to choose, then “Done”.")
    if pages > 1:
        text += "\n" + ctx.t("Chosen: %(chosen)d of %(total)d.", chosen=len(chosen & {s.id for s in students}),
                             total=len(students)) + " " + ctx.t("Page %(page)d of %(pages)d.", page=page + 1,
                                                                pages=pages)
    nav = rows(*pager(page, page + 1 < pages, WhoPage))
    return Screen(text, replace=replace, buttons=rows(*buttons) + nav + rows(
        Button(ctx.t("All"), PickAll(page)), Button(ctx.t("Done ▶"), Chosen()), *form.nav(ctx, Step.WHO), per_row=3))


@schedule.button(WhoPage, role=Role.MENTOR, steps=(Step.WHO,))
async def turn_who_page(ctx: Ctx, tap: WhoPage) -> Screen:
    return await ask_who(ctx, page=tap.page, replace=True)


@schedule.button(Pick, role=Role.MENTOR, steps=(Step.WHO,))
async def pick(ctx: Ctx, tap: Pick) -> Screen:
    draft = ctx.state.draft
    student = tap.student_id
    if not await people.is_supervised_by(ctx.session, student, ctx.me.id, "mentor"):
        raise NotFound(NOT_YOURS)
    chosen = set(draft.get("students", []))
    chosen ^= {student}
    draft["students"] = sorted(chosen)
    return await ask_who(ctx, page=tap.page, replace=True)


@schedule.button(PickAll, role=Role.MENTOR, steps=(Step.WHO,))
async def pick_all(ctx: Ctx, tap: PickAll) -> Screen:
    """Every student, on every page, not only the ones shown."""
    draft = ctx.state.draft
    draft["students"] = sorted(s.id for s in await people.students_of(ctx.session, ctx.me.id, "mentor")
                               if s.exited_at is None)
    return await ask_who(ctx, page=tap.page, replace=True)


@schedule.button(Chosen, role=Role.MENTOR, steps=(Step.WHO,))
async def chosen(ctx: Ctx, tap: Chosen) -> Screen:
    if not ctx.state.draft.get("students"):
        raise InvalidInput(N_("Choose at least one student."))
    return await form.after(ctx, Step.WHO)


@form.reviews
async def review(ctx: Ctx) -> Screen:
    draft = ctx.state.draft
    names = [s.name for s in await people.students_of(ctx.session, ctx.me.id, "mentor") if s.id in draft["students"]]
    ctx.state.goto(Step.REVIEW)
    return Screen(ctx.t("<b>Please check</b>\nWhen: %(when)s\nWhere: %(place)s\nTopic: %(topic)s\nStudents: %(names)s",
                        when=_when(ctx, draft), place=draft["place"], topic=draft["topic"],
                        names=ctx.t(", ").join(names)), replace=True,
                  buttons=rows(Button(ctx.t("📨 Schedule and tell them"), Send()),
                               Button(ctx.t("✏️ Change a part"), ChangePart().pack(schedule.name)),
                               Button(ctx.t("✖️ Cancel"), CancelScheduling())))


@schedule.button(Send, role=Role.MENTOR, steps=(Step.REVIEW,))
async def send(ctx: Ctx, tap: Send) -> Screen:
    draft = ctx.state.draft
    mine = {s.id for s in await people.students_of(ctx.session, ctx.me.id, "mentor")}
    chosen = [sid for sid in draft["students"] if sid in mine]
    starts_at = datetime.fromisoformat(draft["starts_at"])
    if starts_at <= ctx.now():
        raise InvalidInput(N_("That time has already passed. Please choose a time in the future."))
    ends_at = datetime.fromisoformat(draft["ends_at"]) if draft.get("ends_at") \
        else starts_at + ctx.services.calendar.reminders.session_length
    session = await training.schedule(ctx.session, mentor_id=ctx.me.id, starts_at=starts_at, ends_at=ends_at,
                                      place=draft["place"], topic=draft["topic"], student_ids=chosen, now=ctx.now())
    mentor_name, zone = ctx.me.name, ctx.services.zone

    def render(t: Translator) -> Screen:
        return invitation(t, session, mentor_name, zone)

    for student_id in chosen:
        ctx.notify(student_id, "session_invite", f"session-invite:{session.id}:{student_id}", render)
    names = [s.name for s in await people.students_of(ctx.session, ctx.me.id, "mentor") if s.id in chosen]
    ctx.state.finish()
    return Screen(ctx.t.plural("📨 Scheduled. %(n)d student is being told and can answer yes or no.",
                               "📨 Scheduled. %(n)d students are being told and can answer yes or no.", len(chosen))
                  + "\n" + ctx.t("When: %(when)s\nWhere: %(place)s\nTopic: %(topic)s\nStudents: %(names)s",
                                 when=_when(ctx, draft), place=draft["place"], topic=draft["topic"],
                                 names=ctx.t(", ").join(names))
                  + "\n" + ctx.t("Answers, changes and cancelling: 🗓 My schedule."), replace=True)


@schedule.button(CancelScheduling, role=Role.MENTOR, steps=EVERY_STEP)
async def cancel(ctx: Ctx, tap: CancelScheduling) -> Screen:
    ctx.state.finish()
    return Screen(ctx.t("Cancelled. Nothing was scheduled."), replace=True)


@rsvp.button(WillCome, role=Role.STUDENT)
async def will_come(ctx: Ctx, tap: WillCome) -> Screen:
    return await _answer(ctx, tap, True)


@rsvp.button(CannotCome, role=Role.STUDENT)
async def cannot_come(ctx: Ctx, tap: CannotCome) -> Screen:
    return await _answer(ctx, tap, False)


async def _invited(ctx: Ctx, session_id: int, *, answering: bool = False) -> TrainingSession:
    # A cancelled session is found too (only if this student was invited): they are told it was called off
    found = await training.invitation(ctx.session, session_id, ctx.me.id, answering=answering, cancelled=True)
    if found is None:
        raise NotFound(N_("Session not found. It may have been cancelled, or you were not invited."))
    if found.cancelled_at is not None:
        raise NotAllowed(N_("“%(topic)s” of %(when)s was cancelled by your mentor, so there is nothing to answer."),
                         topic=found.topic, when=ctx.moment(found.starts_at))
    if found.starts_at <= ctx.now():
        raise NotAllowed(N_("This session has already begun, so the answer can no longer change."))
    return found


@rsvp.button(ChangeRsvp, role=Role.STUDENT)
async def change_answer(ctx: Ctx, tap: ChangeRsvp) -> Screen:
    found = await _invited(ctx, tap.session_id)
    return choices(ctx, found, await training.answer_of(ctx.session, found.id, ctx.me.id))


async def _answer(ctx: Ctx, tap: WillCome | CannotCome, attending: bool) -> Screen:
    # The session's row stays share-locked until this answer is committed: a cancel or a move either waits
    # for it (and then tells the student) or came first, and is seen here.
    found = await _invited(ctx, tap.session_id, answering=True)
    before = await training.answer_of(ctx.session, found.id, ctx.me.id)
    if tap.at != starts(found):  # the button showed another time: the answer would be for a time never seen
        note = ctx.t("🕒 Your mentor has moved this session to a new time. Please answer again for it.") if tap.at \
            else ""  # a button from before answers carried the time: just ask again
        return choices(ctx, found, before, note)
    if await training.answer_invitation(ctx.session, found.id, ctx.me.id, attending, ctx.now()) is None:
        raise NotFound(N_("Session not found. It may have been cancelled, or you were not invited."))
    if attending is False and before is not False or attending and before is False:
        name, when, topic = ctx.me.name, found.starts_at, found.topic  # the mentor hears who, by name

        zone = ctx.services.zone

        def render(t: Translator) -> Screen:
            moment = format_moment(when.astimezone(zone), t.language)
            if not attending:
                return Screen(t("❌ %(name)s cannot come to “%(topic)s” on %(when)s.", name=name, topic=topic,
                                when=moment))
            return Screen(t("✅ %(name)s can come to “%(topic)s” on %(when)s after all.", name=name, topic=topic,
                            when=moment))

        ctx.notify(found.mentor_id, "rsvp_changed", f"rsvp:{found.id}:{ctx.me.id}:{ctx.now().isoformat()}", render)
    return answered(ctx, found, attending)
