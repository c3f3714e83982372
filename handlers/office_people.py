"""The office's students: a school's QR sheet, a student's card, a new invite, another mentor or teacher, leaving."""
from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select

from handlers.kit import Button, Ctx, Flow, Payload, Screen, Upload, pager, rows
from program.audit import AuditAction
from program.errors import InvalidInput, NotFound
from program.i18n import N_, Msgid
from program.invites import invite_link
from program.roles import ROLE_LABELS, Role
from storage import audit, invites, office, people
from storage.models import Account, Person

PAGE = 8
REASON_LIMIT = 500


class Step(StrEnum):
    REASON = "reason"


roster = Flow("opp", Step, done_hint=N_("That student's card is closed. Send /people to open it again."))


class Relation(StrEnum):
    MENTOR = "mentor"
    TEACHER = "teacher"


class School(Payload, flow="opp", action="school"):
    school_id: int
    page: int = 0


class Card(Payload, flow="opp", action="card"):
    student_id: int


class Reissue(Payload, flow="opp", action="invite"):
    student_id: int


class ChooseNew(Payload, flow="opp", action="choose"):
    student_id: int
    relation: Relation


class MoveTo(Payload, flow="opp", action="move"):
    student_id: int
    relation: Relation
    person_id: int


class Leave(Payload, flow="opp", action="leave"):
    student_id: int


class KeepIn(Payload, flow="opp", action="keep"):
    pass


class MarkAlumni(Payload, flow="opp", action="alumni"):
    student_id: int


class Sheet(Payload, flow="opp", action="sheet"):
    school_id: int


@roster.command("people", role=Role.OFFICE)
async def schools(ctx: Ctx) -> Screen:
    found = await office.schools(ctx.session)
    if not found:
        return Screen(ctx.t("No students are in the roster yet. Import one with: yingcai roster import roster.csv"))
    return Screen(ctx.t("🧑‍🎓 <b>Students</b> · which school?"),
                  buttons=rows(*(Button(f"{name} ({count})", School(sid)) for sid, name, count in found), per_row=1))


@roster.button(School, role=Role.OFFICE)
async def school_page(ctx: Ctx, tap: School) -> Screen:
    name = next((n for sid, n, _ in await office.schools(ctx.session) if sid == tap.school_id), None)
    if name is None:
        raise NotFound()
    found, total = await office.students_page(ctx.session, tap.school_id, tap.page * PAGE, PAGE)
    buttons = [Button(("🚪 " if s.exited_at else "") + s.name, Card(s.id)) for s in found]
    nav = pager(tap.page, (tap.page + 1) * PAGE < total, lambda n: School(tap.school_id, n))
    return Screen(ctx.t("🏫 <b>%(school)s</b>: %(n)d students. Tap a name.", school=name, n=total),
                  buttons=rows(*buttons, *nav, Button(ctx.t("🖨 QR invite sheet (PDF)"), Sheet(tap.school_id))),
                  replace=tap.page > 0)


async def _student(ctx: Ctx, student_id: int) -> Person:
    student = await office.person_in_role(ctx.session, student_id, Role.STUDENT)
    if student is None:
        raise NotFound(N_("That student is not in the roster."))
    return student


async def card(ctx: Ctx, student: Person, note: str | None = None, *, replace: bool = False) -> Screen:
    mentors = "、".join(p.name for p in await people.supervisors_of(ctx.session, student.id, "mentor")) or "—"
    teachers = "、".join(p.name for p in await people.supervisors_of(ctx.session, student.id, "teacher")) or "—"
    joined = (await ctx.session.execute(select(Account.id).where(Account.person_id == student.id).limit(1))).first()
    lines = [note] if note else []
    lines += [ctx.t("🧑‍🎓 <b>%(name)s</b> · %(school)s · %(subject)s · %(grade)s", name=student.name,
                    school=student.school.name, subject=student.subject or "—", grade=student.grade or "—"),
              ctx.t("Mentor: %(mentors)s · teacher: %(teachers)s", mentors=mentors, teachers=teachers),
              ctx.t("Joined the bot.") if joined else ctx.t("Has not joined the bot yet.")]
    if student.exited_at is not None:
        lines.append(ctx.t("🚪 Left the program on %(day)s: %(reason)s", day=ctx.day(student.exited_at.date()),
                           reason=student.exit_reason or "—"))
        return Screen("\n".join(lines), replace=replace)
    if student.alumni_at is not None:
        lines.append(ctx.t("🎓 Alumni since %(day)s: reads their own logs and gets the office's notices to alumni.",
                           day=ctx.day(student.alumni_at.date(), year=True)))
    alumni = Button(ctx.t("🎓 Finished the year: alumni"), MarkAlumni(student.id)) \
        if student.alumni_at is None else None
    return Screen("\n".join(lines), replace=replace, buttons=rows(
        Button(ctx.t("🔁 New invite"), Reissue(student.id)),
        Button(ctx.t("👨‍🏫 Another mentor"), ChooseNew(student.id, Relation.MENTOR)),
        Button(ctx.t("🏫 Another teacher"), ChooseNew(student.id, Relation.TEACHER)),
        Button(ctx.t("🚪 Has left the program"), Leave(student.id)), alumni))


@roster.button(MarkAlumni, role=Role.OFFICE)
async def mark_alumni(ctx: Ctx, tap: MarkAlumni) -> Screen:
    """At year end (§七): the student keeps reading their own logs and hears the office's notices to alumni."""
    student = await _student(ctx, tap.student_id)
    if not await office.mark_alumni(ctx.session, [student.id], ctx.now()):  # a double tap marks once
        return await card(ctx, student, ctx.t("%(student)s is already alumni.", student=student.name), replace=True)
    await audit.record(ctx.session, action=AuditAction.ALUMNI, actor=ctx.me.name, actor_id=ctx.me.id, now=ctx.now(),
                       target=student.name)
    await ctx.session.refresh(student)
    return await card(ctx, student, ctx.t("🎓 %(student)s is now alumni.", student=student.name), replace=True)


@roster.button(Card, role=Role.OFFICE)
async def open_card(ctx: Ctx, tap: Card) -> Screen:
    return await card(ctx, await _student(ctx, tap.student_id))


@roster.button(Reissue, role=Role.OFFICE)
async def reissue(ctx: Ctx, tap: Reissue) -> Screen:
    """A lost phone: a new code (the old one stops working), as a link and a QR picture to show or print."""
    student = await _student(ctx, tap.student_id)
    days = ctx.services.invite_days
    gone = await people.sign_out(ctx.session, student.id, ctx.now())  # as `yingcai invites --reissue`
    invite = await invites.issue(ctx.session, student.id, ctx.now(), timedelta(days=days))
    await audit.record(ctx.session, action=AuditAction.INVITE, actor=ctx.me.name, actor_id=ctx.me.id, now=ctx.now(),
                       target=student.name, revoked=True, signed_out=gone)
    text = ctx.t("🔁 A new invite for %(name)s; the old one no longer works and the lost phone's chat (%(gone)d) is "
                 "signed out. It works once, for %(days)d days.\nCode: <code>%(code)s</code> (on DingTalk: send "
                 "“绑定 %(code)s”)", name=student.name, gone=gone, days=days, code=invite.code)
    username = ctx.services.bot_username
    if not username:
        return Screen(text)
    from program.qr import qr_png

    link = invite_link(username, invite.code)
    return Screen(text + "\n" + ctx.t("Link: %(link)s", link=link),
                  upload=Upload("photo", f"invite-{student.id}.png", qr_png(link)))


@roster.button(ChooseNew, role=Role.OFFICE)
async def choose_new(ctx: Ctx, tap: ChooseNew) -> Screen:
    student = await _student(ctx, tap.student_id)
    if tap.relation is Relation.MENTOR:
        found = await office.staff(ctx.session, Role.MENTOR)
    else:
        found = await office.staff(ctx.session, Role.TEACHER, student.school_id)
    found = [p for p in found if p.id != student.id]
    if not found:
        return Screen(ctx.t("Nobody in the roster can take this role for %(name)s.", name=student.name))
    return Screen(ctx.t("Who should be %(name)s's %(role)s from now on?", name=student.name,
                        role=Msgid(ROLE_LABELS[Role(tap.relation.value)])),
                  buttons=rows(*(Button(p.name, MoveTo(student.id, tap.relation, p.id)) for p in found[:30])))


@roster.button(MoveTo, role=Role.OFFICE)
async def move(ctx: Ctx, tap: MoveTo) -> Screen:
    student = await _student(ctx, tap.student_id)
    role = Role(tap.relation.value)
    new = await office.person_in_role(ctx.session, tap.person_id, role)
    if new is None or new.id == student.id or (role is Role.TEACHER and new.school_id != student.school_id):
        raise NotFound()
    if not await office.move_student(ctx.session, student.id, tap.relation.value, [new.id]):
        return await card(ctx, student, ctx.t("Nothing changed."))
    await audit.record(ctx.session, action=AuditAction.MOVE, actor=ctx.me.name, actor_id=ctx.me.id, now=ctx.now(),
                       target=student.name, relation=tap.relation.value, to=[new.name])
    return await card(ctx, student, ctx.t("✅ %(student)s: %(role)s is now %(name)s.", student=student.name,
                                          role=Msgid(ROLE_LABELS[role]), name=new.name))


@roster.button(Leave, role=Role.OFFICE)
async def ask_reason(ctx: Ctx, tap: Leave) -> Screen:
    student = await _student(ctx, tap.student_id)
    ctx.state.begin(roster.name, Step.REASON, {"student_id": student.id, "name": student.name})
    return await reason_prompt(ctx)


@roster.prompt(Step.REASON)
async def reason_prompt(ctx: Ctx) -> Screen:
    return Screen(ctx.t("🚪 Why has %(name)s left the program? (for example 中期评价未通过, 转学). Their records are "
                        "kept.", name=ctx.state.draft.get("name", "")),
                  buttons=rows(Button(ctx.t("✖️ Cancel"), KeepIn())))


@roster.text(Step.REASON)
async def take_reason(ctx: Ctx, text: str) -> Screen:
    reason = text.strip()
    if not reason:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(reason) > REASON_LIMIT:
        raise InvalidInput(N_("Please keep the reason under %(limit)d characters (yours has %(length)d)."),
                           limit=REASON_LIMIT, length=len(reason))
    student = await _student(ctx, int(ctx.state.draft["student_id"]))
    ctx.state.finish()
    if not await office.mark_left(ctx.session, student.id, reason, ctx.now()):
        return await card(ctx, student, ctx.t("%(student)s had already left the program.", student=student.name))
    await audit.record(ctx.session, action=AuditAction.LEAVE, actor=ctx.me.name, actor_id=ctx.me.id, now=ctx.now(),
                       target=student.name, reason=reason)
    await ctx.session.refresh(student)
    return await card(ctx, student, ctx.t("%(student)s left the program; their records are kept.",
                                          student=student.name))


@roster.button(KeepIn, role=Role.OFFICE, steps=(Step.REASON,))
async def keep_in(ctx: Ctx, tap: KeepIn) -> Screen:
    student = await _student(ctx, int(ctx.state.draft["student_id"]))
    ctx.state.finish()
    return await card(ctx, student, replace=True)


@roster.button(Sheet, role=Role.OFFICE)
async def school_sheet(ctx: Ctx, tap: Sheet) -> Screen:
    """A printable A4 PDF of the school's invite QR codes, for everyone there who has not joined yet."""
    from program.chart import ChartUnavailable
    from program.qr import Card as QrCard
    from program.qr import file_name
    from program.qr import school_sheet as sheet

    name = next((n for sid, n, _ in await office.schools(ctx.session) if sid == tap.school_id), None)
    if name is None:
        raise NotFound()
    username = ctx.services.bot_username
    if not username:
        return Screen(ctx.t("The bot's username is not known here, so no link can be printed. Ask the operator to "
                            "set BOT_USERNAME."))
    now, ttl = ctx.now(), timedelta(days=ctx.services.invite_days)
    cards = []
    for person in await invites.people_to_invite(ctx.session, None):
        if person.school_id != tap.school_id:
            continue
        invite = await invites.current_invite(ctx.session, person.id, now) or await invites.issue(
            ctx.session, person.id, now, ttl)
        role = "/".join(ctx.t.raw(ROLE_LABELS[Role(r.role)]) for r in person.roles)
        cards.append(QrCard(person.name, role, name, invite_link(username, invite.code)))
    if not cards:
        return Screen(ctx.t("Everyone at %(school)s has joined; no sheet is needed.", school=name))
    try:
        pdf = sheet(name, cards, ctx.t.raw("英才计划 · invite QR codes"),
                    ctx.t.raw("Scan with the phone's camera or Telegram to join. Each code works once."))
    except ChartUnavailable:
        return Screen(ctx.t("No font for Chinese is installed on the server, so the sheet cannot be drawn."))
    await audit.record(ctx.session, action=AuditAction.INVITE, actor=ctx.me.name, actor_id=ctx.me.id, now=now,
                       target=name, sheet=len(cards))
    return Screen(ctx.t("🖨 %(n)d invites of %(school)s on A4, ready to print.", n=len(cards), school=name),
                  upload=Upload("document", file_name(name) + ".pdf", pdf))
