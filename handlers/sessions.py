"""Scheduling a training session: when, where, topic, which students; they are told and answer yes or no."""
from __future__ import annotations

from datetime import datetime

from handlers.kit import Button, Ctx, Flow, Screen, int_arg, rows
from handlers.mentor import NOT_YOURS
from program.clock import local_now
from program.session_times import parse_session_time
from program.errors import InvalidInput, NotFound
from program.i18n import N_, Translator, format_moment
from program.roles import Role
from storage import people
from storage import sessions as training

schedule = Flow("ses")
rsvp = Flow("rsvp")
FIELD_LIMIT = 200
STUDENT_BUTTONS = 30  # a mentor has a handful of students; a payload carries one id


def _when(ctx: Ctx, draft: dict) -> str:
    start = ctx.moment(datetime.fromisoformat(draft["starts_at"]))
    end = draft.get("ends_at")
    return f"{start}–{datetime.fromisoformat(end).astimezone(ctx.services.zone):%H:%M}" if end else start


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
    ctx.state.begin(schedule.name, "when", {"students": []})
    screens.append(await ask_when(ctx))
    return screens


@schedule.prompt("when")
async def ask_when(ctx: Ctx) -> Screen:
    return Screen(ctx.t("📅 <b>New session</b> · 1/4\nWhen is it? For example Dec 5 3pm-5pm, next Wednesday 3pm "
                        "or tomorrow 9:30 (the end time is optional)."),
                  buttons=rows(Button(ctx.t("✖️ Cancel"), schedule.payload("cancel"))))


@schedule.text("when")
async def take_when(ctx: Ctx, text: str) -> list[Screen]:
    """The time as understood, said back with its weekday, before the next question."""
    start, end = parse_session_time(text, local_now(ctx.clock, ctx.services.zone))
    ctx.state.draft["starts_at"] = start.isoformat()
    ctx.state.draft["ends_at"] = end.isoformat() if end else None
    ctx.state.goto("place")
    return [Screen(ctx.t("🕒 When: %(when)s", when=_when(ctx, ctx.state.draft))), await ask_place(ctx)]


@schedule.prompt("place")
async def ask_place(ctx: Ctx) -> Screen:
    return Screen(ctx.t("📍 2/4 · Where? (room, building)"),
                  buttons=rows(Button(ctx.t("✖️ Cancel"), schedule.payload("cancel"))))


def _short_text(text: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(value) > FIELD_LIMIT:
        raise InvalidInput(N_("Please keep it under %(limit)d characters (this has %(length)d)."),
                           limit=FIELD_LIMIT, length=len(value))
    return value


@schedule.text("place")
async def take_place(ctx: Ctx, text: str) -> Screen:
    ctx.state.draft["place"] = _short_text(text)
    ctx.state.goto("topic")
    return await ask_topic(ctx)


@schedule.prompt("topic")
async def ask_topic(ctx: Ctx) -> Screen:
    return Screen(ctx.t("📝 3/4 · Topic?"), buttons=rows(Button(ctx.t("✖️ Cancel"), schedule.payload("cancel"))))


@schedule.text("topic")
async def take_topic(ctx: Ctx, text: str) -> Screen:
    ctx.state.draft["topic"] = _short_text(text)
    ctx.state.goto("who")
    return await ask_who(ctx)


@schedule.prompt("who")
async def ask_who(ctx: Ctx, *, replace: bool = False) -> Screen:
    students = [s for s in await people.students_of(ctx.session, ctx.me.id, "mentor") if s.exited_at is None]
    chosen = set(ctx.state.draft.get("students", []))
    buttons = [Button(("☑ " if s.id in chosen else "☐ ") + s.name, schedule.payload("pick", s.id))
               for s in students[:STUDENT_BUTTONS]]
    return Screen(ctx.t("👥 4/4 · Which students? Tap to choose, then “Done”."), replace=replace,
                  buttons=rows(*buttons) + rows(Button(ctx.t("All"), schedule.payload("all")),
                                                Button(ctx.t("Done ▶"), schedule.payload("done")),
                                                Button(ctx.t("✖️ Cancel"), schedule.payload("cancel")), per_row=3))


def _in_step(ctx: Ctx, *steps: str) -> dict:
    draft = ctx.state.data.get(schedule.name)
    if draft is None or ctx.state.step not in steps:
        raise NotFound(N_("That button belongs to an earlier message. Send /schedule to start again."))
    return draft


@schedule.button("pick", role=Role.MENTOR)
async def pick(ctx: Ctx, student_id: str) -> Screen:
    draft = _in_step(ctx, "who")
    student = int_arg(student_id)
    if not await people.is_supervised_by(ctx.session, student, ctx.me.id, "mentor"):
        raise NotFound(NOT_YOURS)
    chosen = set(draft.get("students", []))
    chosen ^= {student}
    draft["students"] = sorted(chosen)
    return await ask_who(ctx, replace=True)


@schedule.button("all", role=Role.MENTOR)
async def pick_all(ctx: Ctx) -> Screen:
    draft = _in_step(ctx, "who")
    draft["students"] = sorted(s.id for s in await people.students_of(ctx.session, ctx.me.id, "mentor")
                               if s.exited_at is None)
    return await ask_who(ctx, replace=True)


@schedule.button("done", role=Role.MENTOR)
async def review(ctx: Ctx) -> Screen:
    draft = _in_step(ctx, "who")
    if not draft.get("students"):
        raise InvalidInput(N_("Choose at least one student."))
    names = [s.name for s in await people.students_of(ctx.session, ctx.me.id, "mentor") if s.id in draft["students"]]
    ctx.state.goto("review")
    return Screen(ctx.t("<b>Please check</b>\nWhen: %(when)s\nWhere: %(place)s\nTopic: %(topic)s\nStudents: %(names)s",
                        when=_when(ctx, draft), place=draft["place"], topic=draft["topic"],
                        names=ctx.t(", ").join(names)), replace=True,
                  buttons=rows(Button(ctx.t("📨 Schedule and tell them"), schedule.payload("send")),
                               Button(ctx.t("✖️ Cancel"), schedule.payload("cancel"))))


@schedule.button("send", role=Role.MENTOR)
async def send(ctx: Ctx) -> Screen:
    draft = _in_step(ctx, "review")
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
    place, topic, session_id = session.place, session.topic, session.id

    def render(t: Translator) -> Screen:
        return Screen(t("📅 <b>%(mentor)s scheduled a session</b>\nWhen: %(when)s\nWhere: %(place)s\nTopic: %(topic)s\n"
                        "Will you come?", mentor=mentor_name, when=format_moment(starts_at.astimezone(zone), t.language),
                        place=place, topic=topic),
                      buttons=rows(Button(t("✅ I will come"), rsvp.payload("yes", session_id)),
                                   Button(t("❌ I cannot come"), rsvp.payload("no", session_id))))

    for student_id in chosen:
        ctx.notify(student_id, "session_invite", f"session-invite:{session.id}:{student_id}", render)
    ctx.state.finish()
    return Screen(ctx.t.plural("📨 Scheduled. %(n)d student is being told and can answer yes or no.",
                               "📨 Scheduled. %(n)d students are being told and can answer yes or no.", len(chosen)),
                  replace=True)


@schedule.button("cancel", role=Role.MENTOR)
async def cancel(ctx: Ctx) -> Screen:
    _in_step(ctx, "when", "place", "topic", "who", "review")
    ctx.state.finish()
    return Screen(ctx.t("Cancelled. Nothing was scheduled."), replace=True)


@rsvp.button("yes", role=Role.STUDENT)
async def will_come(ctx: Ctx, session_id: str) -> Screen:
    return await _answer(ctx, session_id, True)


@rsvp.button("no", role=Role.STUDENT)
async def cannot_come(ctx: Ctx, session_id: str) -> Screen:
    return await _answer(ctx, session_id, False)


async def _answer(ctx: Ctx, session_id: str, attending: bool) -> Screen:
    found = await training.answer_invitation(ctx.session, int_arg(session_id), ctx.me.id, attending, ctx.now())
    if found is None:
        raise NotFound(N_("Session not found. It may have been cancelled, or you were not invited."))
    answer = ctx.t("✅ You will come.") if attending else ctx.t("❌ You cannot come. Your mentor will see it.")
    text = ctx.t("📅 %(when)s · %(topic)s · %(place)s", when=ctx.moment(found.starts_at), topic=found.topic,
                 place=found.place)
    after = ctx.t("After the session, file a growth log: it will be offered first under /log.") if attending else ""
    return Screen("\n".join(x for x in (text, answer, after) if x), replace=True,
                  buttons=rows(Button(ctx.t("Change my answer"), rsvp.payload("no" if attending else "yes", found.id))))
