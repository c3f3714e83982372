"""The office's `yingcai` commands that change things: broadcast, move, leave, alumni, results, plan decisions."""
from __future__ import annotations

import argparse
import html
import re
import sys
from datetime import datetime
from typing import Any, Awaitable, Callable

from bot.office_cli import _database, cli_actor
from bot.rehearsal import command_clock
from bot.settings import Settings
from program.audit import AuditAction
from program.clock import local_today
from program.errors import ProgramError
from program.i18n import Translator
from program.roles import Role


def add_commands(sub: Any) -> None:
    bc = sub.add_parser("broadcast", help="send a notice or an event to everyone, a role, a school or a subject")
    bc.add_argument("--to", help="everyone | alumni | role:学生 | school:NAME | subject:物理学")
    bc.add_argument("--text", help="the notice (or use --file)")
    bc.add_argument("--file", help="read the notice from this UTF-8 text file")
    bc.add_argument("--event-at", metavar="'YYYY-MM-DD HH:MM'", help="an event at this time (with an RSVP)")
    bc.add_argument("--place", help="where the event takes place")
    bc.add_argument("--yes", action="store_true", help="send it (without: only show the preview and the count)")
    bc.add_argument("--report", type=int, metavar="ID", help="the delivery report and RSVPs of a broadcast")
    move = sub.add_parser("move", help="give a student other mentors or another teacher")
    move.add_argument("--student", required=True)
    move.add_argument("--school")
    move.add_argument("--mentor", help="the new mentor(s), separated by ;")
    move.add_argument("--teacher", help="the new teacher")
    leave = sub.add_parser("leave", help="mark a student as having left the program (records are kept)")
    leave.add_argument("--student", required=True)
    leave.add_argument("--school")
    leave.add_argument("--reason", required=True)
    alumni = sub.add_parser("alumni", help="mark students as alumni at year end (default: all still in the program)")
    alumni.add_argument("--student")
    alumni.add_argument("--school")
    result = sub.add_parser("result", help="record a student's annual result")
    result.add_argument("--student", required=True)
    result.add_argument("--school")
    result.add_argument("--ratings", required=True, metavar="R,R,R,R",
                        help="科学兴趣,创新及科研潜质,综合能力,英语交流能力 as 优秀/良好/合格/待改进")
    result.add_argument("--outcome", required=True, help="优秀 | 合格 | 不合格")
    result.add_argument("--international", action="store_true", help="a candidate for international exchange")
    result.add_argument("--note", default="")
    result.add_argument("--year", type=int)
    plans = sub.add_parser("plans", help="training plans waiting for the office; approve or return one")
    plans.add_argument("--approve", metavar="STUDENT")
    plans.add_argument("--return", dest="send_back", metavar="STUDENT")
    plans.add_argument("--reason")
    plans.add_argument("--school")
    plans.add_argument("--year", type=int)


COMMANDS = ("broadcast", "move", "leave", "alumni", "result", "plans")


async def run(settings: Settings, t: Translator, args: argparse.Namespace) -> int:
    """Runs one command in one transaction; a refused rule prints its reason and changes nothing."""
    action: Callable[..., Awaitable[int]] = globals()[f"_{args.command}"]
    engine, sessions = await _database(settings)
    try:
        async with sessions() as session, session.begin():
            return await action(session, settings, t, args)
    except ProgramError as error:
        print(t(error.message, **error.params), file=sys.stderr)
        return 2
    finally:
        await engine.dispose()


async def _broadcast(session, settings: Settings, t: Translator, args: argparse.Namespace) -> int:  # noqa: ANN001
    from handlers.views.broadcasts import outbox_copy, render
    from program.broadcasts import BroadcastKind, check_text, parse_audience
    from program.quiet_hours import next_send_time
    from storage import audit, broadcasts

    if args.report is not None:
        return await _report(session, t, args.report)
    if not args.to or not (args.text or args.file):
        print(t("Say --to whom and the --text (or --file) of the notice."), file=sys.stderr)
        return 2
    audience = parse_audience(args.to)
    text = check_text(args.text if args.text else open(args.file, encoding="utf-8").read())
    when = None
    if args.event_at:
        try:
            when = datetime.fromisoformat(args.event_at).replace(tzinfo=settings.zone)
        except ValueError:
            print(t("Use --event-at 'YYYY-MM-DD HH:MM'."), file=sys.stderr)
            return 2
    now = command_clock().now()
    kind = BroadcastKind.EVENT if when else BroadcastKind.NOTICE
    draft = await broadcasts.draft(session, author_id=None, kind=kind, audience=audience, text=text, now=now,
                                   event_at=when, event_place=args.place)
    count = await broadcasts.count_audience(session, audience)
    print(t("Preview:"))
    print(html.unescape(re.sub(r"<[^>]+>", "", render(draft, t, settings.zone).text)))  # HTML → terminal text
    print(t("Recipients: %(count)d.", count=count))
    if not args.yes:
        await session.rollback()
        print(t("Nothing was sent. Add --yes to send it."))
        return 0
    sent = await broadcasts.send(session, draft.id, render=outbox_copy(draft, settings.zone),
                                 due_at=next_send_time(now, settings.zone), now=now)
    await audit.record(session, action=AuditAction.BROADCAST, actor=cli_actor(t), now=now, target=args.to,
                       broadcast=draft.id, recipients=sent)
    print(t("Broadcast %(id)d queued for %(count)d people; the running bot delivers it. "
            "Report: yingcai broadcast --report %(id)d", id=draft.id, count=sent or 0))
    return 0


async def _report(session, t: Translator, broadcast_id: int) -> int:  # noqa: ANN001
    from program.broadcasts import DELIVERY_LABELS, Delivery
    from storage import broadcasts

    found = await broadcasts.report(session, broadcast_id)
    if not found.total:
        print(t("No broadcast %(id)d was sent.", id=broadcast_id), file=sys.stderr)
        return 2
    print(t("Sent %(sent)d · queued %(queued)d · waiting (not joined yet) %(waiting)d · blocked %(blocked)d · "
            "failed %(failed)d · of %(total)d", sent=found.counts[Delivery.SENT], queued=found.counts[Delivery.QUEUED],
            waiting=found.counts[Delivery.NOT_JOINED], blocked=found.counts[Delivery.BLOCKED],
            failed=found.counts[Delivery.FAILED], total=found.total))
    for state in (Delivery.NOT_JOINED, Delivery.BLOCKED, Delivery.FAILED):
        if found.names[state]:
            print(t("  %(state)s: %(names)s", state=t.raw(DELIVERY_LABELS[state]), names="、".join(found.names[state])))
    if found.rsvp["yes"] or found.rsvp["no"]:
        print(t("Coming (%(count)d): %(names)s", count=len(found.rsvp["yes"]), names="、".join(found.rsvp["yes"])))
        print(t("Not coming (%(count)d): %(names)s", count=len(found.rsvp["no"]), names="、".join(found.rsvp["no"])))
    return 0


async def _move(session, settings: Settings, t: Translator, args: argparse.Namespace) -> int:  # noqa: ANN001
    from storage import audit, office

    if bool(args.mentor) == bool(args.teacher):
        print(t("Give either --mentor or --teacher."), file=sys.stderr)
        return 2
    student = await office.find(session, args.student, Role.STUDENT, args.school)
    if args.mentor:
        names = [n.strip() for n in re.split(r"[;；、]", args.mentor) if n.strip()]
        new = [await office.find(session, name, Role.MENTOR) for name in names]
        relation = "mentor"
    else:
        new = [await office.find(session, args.teacher, Role.TEACHER, student.school.name)]
        relation = "teacher"
    changed = await office.move_student(session, student.id, relation, [p.id for p in new])
    if changed:
        await audit.record(session, action=AuditAction.MOVE, actor=cli_actor(t), now=command_clock().now(),
                           target=student.name, relation=relation, to=[p.name for p in new])
    print(t("%(student)s: now with %(names)s.", student=student.name, names="、".join(p.name for p in new))
          if changed else t("Nothing changed."))
    return 0


async def _leave(session, settings: Settings, t: Translator, args: argparse.Namespace) -> int:  # noqa: ANN001
    from storage import audit, office

    student = await office.find(session, args.student, Role.STUDENT, args.school)
    now = command_clock().now()
    if not await office.mark_left(session, student.id, args.reason.strip()[:500], now):
        print(t("%(student)s had already left the program.", student=student.name))
        return 0
    await audit.record(session, action=AuditAction.LEAVE, actor=cli_actor(t), now=now, target=student.name,
                       reason=args.reason)
    print(t("%(student)s left the program; their records are kept.", student=student.name))
    return 0


async def _alumni(session, settings: Settings, t: Translator, args: argparse.Namespace) -> int:  # noqa: ANN001
    from storage import audit, office, people

    now = command_clock().now()
    if args.student:
        chosen = [await office.find(session, args.student, Role.STUDENT, args.school)]
    else:
        chosen = [s for s in await people.all_students(session) if s.exited_at is None]
    count = await office.mark_alumni(session, [s.id for s in chosen], now)
    if count:
        await audit.record(session, action=AuditAction.ALUMNI, actor=cli_actor(t), now=now,
                           target=args.student or t("everyone still in the program"), count=count)
    print(t("%(count)d students are now alumni.", count=count))
    return 0


async def _result(session, settings: Settings, t: Translator, args: argparse.Namespace) -> int:  # noqa: ANN001
    from handlers.kit import Notice
    from handlers.notices import queue
    from handlers.office_notices import result_told
    from program.annual import Dimension, parse_outcome, parse_rating
    from storage import annual, audit, office

    values = [v for v in re.split(r"[,，、/]", args.ratings) if v.strip()]
    if len(values) != len(Dimension):
        print(t("--ratings needs four ratings: 科学兴趣,创新及科研潜质,综合能力,英语交流能力."), file=sys.stderr)
        return 2
    ratings = {d: parse_rating(v) for d, v in zip(Dimension, values, strict=True)}
    outcome = parse_outcome(args.outcome)
    student = await office.find(session, args.student, Role.STUDENT, args.school)
    now = command_clock().now()
    year = args.year or local_today(command_clock(), settings.zone).year
    await annual.record_result(session, student_id=student.id, year=year, ratings=ratings, outcome=outcome,
                               international=args.international, note=args.note, office_id=None, now=now)
    await audit.record(session, action=AuditAction.RESULT, actor=cli_actor(t), now=now, target=student.name,
                       year=year, outcome=outcome.value, international=args.international)
    await queue(session, [Notice(student.id, "annual_result", f"result:{year}:{student.id}:{now.isoformat()}",
                                 result_told(year, outcome, args.international))], now, settings.zone)
    print(t("Recorded for %(student)s; they are told.", student=student.name))
    return 0


async def _plans(session, settings: Settings, t: Translator, args: argparse.Namespace) -> int:  # noqa: ANN001
    from bot.terminal import print_table
    from handlers.kit import Notice
    from handlers.notices import queue
    from handlers.office_notices import plan_decided
    from program.plans import check_reason
    from storage import audit, office, plans
    from storage.models import Supervision

    year = args.year or local_today(command_clock(), settings.zone).year
    name = args.approve or args.send_back
    if name is None:
        waiting = await plans.waiting(session, year)
        if not waiting:
            print(t("No training plan is waiting for the office."))
            return 0
        print_table([[t("student"), t("version"), t("submitted")]] + [
            [student, str(plan.latest), plan.updated_at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")]
            for plan, student in waiting])
        return 0
    if args.send_back and not args.reason:
        print(t("Say why with --reason, so the mentor knows what to change."), file=sys.stderr)
        return 2
    student = await office.find(session, name, Role.STUDENT, args.school)
    plan = await plans.of_student(session, student.id, year)
    if plan is None:
        print(t("%(student)s has no training plan for %(year)d.", student=student.name, year=year), file=sys.stderr)
        return 2
    now = command_clock().now()
    approve = bool(args.approve)
    reason = None if approve else check_reason(args.reason)
    plan, version = await plans.decide(session, plan_id=plan.id, office_id=None, approve=approve, reason=reason,
                                       now=now)
    await audit.record(session, action=AuditAction.PLAN_DECISION, actor=cli_actor(t), now=now, target=student.name,
                       version=version.number, approved=approve, reason=reason)
    mentors = (await session.execute(Supervision.__table__.select().where(
        Supervision.student_id == student.id, Supervision.relation == "mentor"))).all()
    await queue(session, [Notice(m.supervisor_id, "plan_decision",  # outbox keys are unique across people
                                 f"plan:{plan.id}:{version.number}:{plan.status}:{m.supervisor_id}",
                                 plan_decided(student.name, approve, reason)) for m in mentors], now, settings.zone)
    print(t("Approved; the mentor and the student can see it.") if approve
          else t("Returned to the mentor with your reason."))
    return 0
