"""🗓 My schedule: coming sessions for a student (with their answer) and a mentor (who comes), cancel or move one."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Payload, Screen, esc, rows
from handlers.views.links import ChangeRsvp
from handlers.views.sessions import answer_line, invitation, mentor_called, when_text
from program.clock import local_now
from program.errors import NotFound
from program.i18n import N_, Translator
from program.roles import Role
from program.session_times import parse_session_time
from storage import sessions as training
from storage.models import TrainingSession


class Step(StrEnum):
    NEW_TIME = "new_time"
    CONFIRM = "confirm"


agenda = Flow("agenda", Step, done_hint=N_("Send /agenda to see your coming sessions."))
SHOWN = 8


class CancelSession(Payload, flow="agenda", action="cancel"):
    session_id: int


class CancelSure(Payload, flow="agenda", action="cancelsure"):
    session_id: int


class MoveSession(Payload, flow="agenda", action="move"):
    session_id: int


class MoveSure(Payload, flow="agenda", action="movesure"):
    session_id: int


class KeepSession(Payload, flow="agenda", action="keep"):
    pass


@agenda.command("agenda", role=(Role.STUDENT, Role.MENTOR))
async def show_agenda(ctx: Ctx) -> list[Screen]:
    screens = []
    if Role.MENTOR in ctx.roles:
        screens.append(await mentor_agenda(ctx))
    if Role.STUDENT in ctx.roles:
        screens.append(await student_agenda(ctx))
    return screens


async def student_agenda(ctx: Ctx) -> Screen:
    coming = await training.upcoming_for_student(ctx.session, ctx.me.id, ctx.now())
    if not coming:
        return Screen(ctx.t("🗓 <b>My schedule</b>\nNo sessions are scheduled for you yet."))
    lines, buttons = [ctx.t("🗓 <b>My schedule</b>")], []
    for number, (found, attending, mentor) in enumerate(coming[:SHOWN], start=1):
        lines.append(f"\n<b>#{number}</b> {esc(when_text(ctx.t, found.starts_at, found.ends_at, ctx.services.zone))}"
                     f" · {esc(found.topic)}\n{esc(found.place)} · {esc(mentor_called(ctx.t, mentor))}\n"
                     + answer_line(ctx, attending))
        buttons.append(Button(ctx.t.plain("Answer #%(n)d", n=number), ChangeRsvp(found.id)))
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=3))


async def mentor_agenda(ctx: Ctx) -> Screen:
    coming = await training.upcoming_for_mentor(ctx.session, ctx.me.id, ctx.now())
    if not coming:
        return Screen(ctx.t("🗓 <b>Sessions you scheduled</b>\nNone coming. Send /schedule to plan one."))
    lines, buttons = [ctx.t("🗓 <b>Sessions you scheduled</b>")], []
    shown = [found for found, *_counts in coming[:SHOWN]]
    invitees = await training.invitees_of(ctx.session, [found.id for found in shown])
    for number, found in enumerate(shown, start=1):
        groups = {True: [], False: [], None: []}  # type: dict[bool | None, list[str]]
        for _, name, attending in invitees[found.id]:
            groups[attending].append(name)
        sep = ctx.t(", ")
        lines.append(f"\n<b>#{number}</b> {esc(when_text(ctx.t, found.starts_at, found.ends_at, ctx.services.zone))}"
                     f" · {esc(found.topic)} · {esc(found.place)}\n"
                     + ctx.t("Coming: %(yes)s · Not coming: %(no)s · No answer yet: %(open)s",
                             yes=sep.join(groups[True]) or "—", no=sep.join(groups[False]) or "—",
                             open=sep.join(groups[None]) or "—"))
        buttons += [Button(ctx.t.plain("🕒 Move #%(n)d", n=number), MoveSession(found.id)),
                    Button(ctx.t.plain("✖️ Cancel #%(n)d", n=number), CancelSession(found.id))]
    return Screen("\n".join(lines), buttons=rows(*buttons))


async def _mine(ctx: Ctx, session_id: int, *, for_update: bool = False) -> TrainingSession:
    found = await training.own_session(ctx.session, session_id, ctx.me.id, for_update=for_update)
    if found is None or found.starts_at <= ctx.now():
        raise NotFound(N_("Session not found, or it has already begun or been cancelled."))
    return found


async def _tell_invitees(ctx: Ctx, found: TrainingSession, key: str, render: object) -> int:
    invited = await training.invitees(ctx.session, found.id)
    for student_id, _, _ in invited:
        ctx.notify(student_id, "session_changed", f"{key}:{found.id}:{student_id}", render)  # type: ignore[arg-type]
    return len(invited)


@agenda.button(CancelSession, role=Role.MENTOR)
async def ask_cancel(ctx: Ctx, tap: CancelSession) -> Screen:
    found = await _mine(ctx, tap.session_id)
    count = len(await training.invitees(ctx.session, found.id))
    ctx.state.begin(agenda.name, Step.CONFIRM, {"session_id": found.id})
    return Screen(ctx.t.plural("Cancel “%(topic)s” on %(when)s? %(n)d invited student will be told.",
                               "Cancel “%(topic)s” on %(when)s? %(n)d invited students will be told.", count,
                               topic=found.topic, when=ctx.moment(found.starts_at)),
                  buttons=rows(Button(ctx.t("✖️ Yes, cancel it"), CancelSure(found.id)),
                               Button(ctx.t("Keep it"), KeepSession()), per_row=1))


@agenda.button(CancelSure, role=Role.MENTOR, steps=(Step.CONFIRM,))
async def cancel_session(ctx: Ctx, tap: CancelSure) -> Screen:
    found = await _mine(ctx, tap.session_id, for_update=True)
    await training.cancel(ctx.session, found, ctx.now())
    mentor, topic, starts, zone = ctx.me.name, found.topic, found.starts_at, ctx.services.zone

    def render(t: Translator) -> Screen:
        return Screen(t("📅 %(mentor)s cancelled the session “%(topic)s” of %(when)s.",
                        mentor=mentor_called(t, mentor), topic=topic, when=when_text(t, starts, None, zone)))

    told = await _tell_invitees(ctx, found, "session-cancelled", render)
    ctx.state.finish()
    return Screen(ctx.t.plural("Cancelled “%(topic)s”; %(n)d student is being told.",
                               "Cancelled “%(topic)s”; %(n)d students are being told.", told, topic=topic),
                  replace=True)


@agenda.button(MoveSession, role=Role.MENTOR)
async def ask_new_time(ctx: Ctx, tap: MoveSession) -> Screen:
    found = await _mine(ctx, tap.session_id)
    ctx.state.begin(agenda.name, Step.NEW_TIME, {"session_id": found.id})
    return await new_time_prompt(ctx)


@agenda.prompt(Step.NEW_TIME)
async def new_time_prompt(ctx: Ctx) -> Screen:
    found = await _mine(ctx, int(ctx.state.draft.get("session_id", 0)))
    return Screen(ctx.t("🕒 “%(topic)s” is now on %(when)s. When should it be instead? For example next Wednesday 3pm "
                        "or Dec 5 3pm-5pm.", topic=found.topic, when=ctx.moment(found.starts_at)),
                  buttons=rows(Button(ctx.t("Keep it"), KeepSession())))


@agenda.text(Step.NEW_TIME)
async def take_new_time(ctx: Ctx, text: str) -> Screen:
    found = await _mine(ctx, int(ctx.state.draft.get("session_id", 0)))
    start, end = parse_session_time(text, local_now(ctx.clock, ctx.services.zone))
    end = end or start + (found.ends_at - found.starts_at)
    ctx.state.draft.update(starts_at=start.isoformat(), ends_at=end.isoformat())
    ctx.state.goto(Step.CONFIRM)
    return Screen(ctx.t("Move “%(topic)s” to %(when)s? The invited students are told and asked again whether they "
                        "can come.", topic=found.topic, when=when_text(ctx.t, start, end, ctx.services.zone)),
                  buttons=rows(Button(ctx.t("🕒 Yes, move it"), MoveSure(found.id)),
                               Button(ctx.t("Keep it"), KeepSession()), per_row=1))


@agenda.button(MoveSure, role=Role.MENTOR, steps=(Step.CONFIRM,))
async def move_session(ctx: Ctx, tap: MoveSure) -> Screen:
    draft = ctx.state.draft
    found = await _mine(ctx, tap.session_id, for_update=True)
    if draft.get("session_id") != found.id or "starts_at" not in draft:
        raise NotFound()
    await training.move(ctx.session, found, datetime.fromisoformat(draft["starts_at"]),
                        datetime.fromisoformat(draft["ends_at"]))
    mentor, zone = ctx.me.name, ctx.services.zone

    def render(t: Translator) -> Screen:
        return invitation(t, found, mentor, zone, moved=True)

    told = await _tell_invitees(ctx, found, f"session-moved:{found.starts_at.isoformat()}", render)
    ctx.state.finish()
    when = when_text(ctx.t, found.starts_at, found.ends_at, zone)  # outside the call: babel took it for a ctx.t
    return Screen(ctx.t.plural("Moved “%(topic)s” to %(when)s; %(n)d student is asked again.",
                               "Moved “%(topic)s” to %(when)s; %(n)d students are asked again.", told,
                               topic=found.topic, when=when), replace=True)


@agenda.button(KeepSession, role=Role.MENTOR, steps=tuple(Step))
async def keep_session(ctx: Ctx, tap: KeepSession) -> Screen:
    ctx.state.finish()
    return Screen(ctx.t("Nothing was changed."), replace=True)

