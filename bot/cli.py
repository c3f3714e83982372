"""The `yingcai` command: run the bot, import the roster, hand out invites, apply migrations."""
from __future__ import annotations

import argparse
import asyncio
import csv
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Sequence

from bot.logs import redact, setup_logging
from bot.rehearsal import anchor_command, command_clock
from bot.settings import Settings
from bot.terminal import print_table
from program.cells import csv_row
from program.i18n import Translator, language_from_telegram, plain_translator
from program.invites import invite_link
from program.roles import ROLE_LABELS, Role, parse_role
from program.roster import RosterFileError, parse_roster, read_table


def _cli_language(explicit: str | None) -> Translator:
    code = explicit or os.environ.get("YINGCAI_LANG") or os.environ.get("LANG", "").split(".")[0].replace("_", "-")
    return plain_translator(language_from_telegram(code) if code else None)


async def _database(settings: Settings):  # noqa: ANN202
    from storage.db import create_engine, migrate, session_factory

    engine = create_engine(settings.database_url)
    await migrate(engine)
    return engine, session_factory(engine)


async def _clock(settings: Settings, sessions):  # noqa: ANN001, ANN202 - the program clock (a rehearsal's, if set)
    return command_clock()


async def import_roster(settings: Settings, path: Path, t: Translator, *, dry_run: bool = False) -> int:
    from storage.roster import apply_roster, known_people, known_roles

    try:
        data = path.read_bytes()
    except OSError as error:
        print(t("Cannot read %(path)s: %(error)s", path=str(path), error=error.strerror or str(error)), file=sys.stderr)
        return 2
    engine, sessions = await _database(settings)
    try:
        now = (await _clock(settings, sessions)).now()
        async with sessions() as session, session.begin():
            mentors, teachers = await known_people(session)
            try:
                roster = parse_roster(read_table(data, path.name), mentors, teachers, await known_roles(session))
            except RosterFileError as error:
                print(t(error.message, **error.params), file=sys.stderr)
                return 2
            result = await apply_roster(session, roster.rows, now)
            if dry_run:
                await session.rollback()
            else:
                await _audit(session, t, "import", path.name, created=result.created, updated=result.updated,
                             errors=len(roster.errors))
        for problem in roster.errors:
            print(t("Row %(row)d: %(reason)s", row=problem.row, reason=t(problem.message, **problem.params)),
                  file=sys.stderr)
        summary = t("Roster: %(created)d added, %(updated)d updated, %(unchanged)d unchanged, %(errors)d rows with "
                    "errors.", created=result.created, updated=result.updated, unchanged=result.unchanged,
                    errors=len(roster.errors))
        print(summary + (" " + t("(dry run: nothing was saved)") if dry_run else ""))
        return 1 if roster.errors else 0
    finally:
        await engine.dispose()


async def _audit(session, t: Translator, action: str, target: str, **details: object) -> None:  # noqa: ANN001
    """Every office action on the command line goes into the audit trail, like its twin in the bot."""
    from bot.office_cli import cli_actor
    from program.audit import AuditAction
    from storage import audit

    await audit.record(session, action=AuditAction(action), actor=cli_actor(t), now=command_clock().now(),
                       target=target, **details)


async def bot_username(settings: Settings) -> str | None:
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if not settings.bot_token:
        return None
    import aiohttp

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
        async with http.get(f"{settings.telegram_api_url}/bot{settings.bot_token}/getMe") as response:
            body = await response.json(content_type=None)
    return body.get("result", {}).get("username") if body.get("ok") else None


async def list_invites(settings: Settings, t: Translator, *, role: str | None, fmt: str, reissue: str | None,
                       revoke: str | None, school: str | None, qr: Path | None = None, signout: str | None = None,
                       keep: bool = False) -> int:
    from sqlalchemy import select

    from storage import invites
    from storage import people as roster_people
    from storage.models import Person, School

    on_dingtalk = "dingtalk" in settings.channels  # DingTalk users join by sending the code itself
    username = None
    if not (revoke or signout) and (not on_dingtalk or settings.bot_username or "telegram" in settings.channels):
        try:
            username = await bot_username(settings)
        except Exception as error:  # noqa: BLE001 - any network trouble: say what to set instead
            print(t("Could not ask Telegram for the bot's username (%(error)s).", error=redact(str(error))),
                  file=sys.stderr)
        if not username:
            print(t("Set BOT_USERNAME (or BOT_TOKEN) so I can build the invite links."), file=sys.stderr)
            return 2
    role_value = None
    if role:
        parsed = parse_role(role)
        if parsed is None:
            print(t("Unknown role “%(value)s”.", value=role), file=sys.stderr)
            return 2
        role_value = parsed.value
    engine, sessions = await _database(settings)
    now = (await _clock(settings, sessions)).now()
    ttl = timedelta(days=settings.invite_days)
    try:
        async with sessions() as session, session.begin():
            target = reissue or revoke or signout
            if target:
                query = select(Person).join(School).where(Person.name == target)
                if school:
                    query = query.where(School.name == school)
                found = (await session.execute(query)).unique().scalars().all()
                if not found:
                    print(t("Nobody called “%(name)s” is in the roster.", name=target), file=sys.stderr)
                    return 2
                if len(found) > 1:
                    print(t("Several people are called “%(name)s”; add --school.", name=target), file=sys.stderr)
                    return 2
                await _audit(session, t, "invite", target, revoked=bool(revoke or signout), kept=keep)
                if revoke:
                    count = await invites.revoke(session, found[0].id, now)
                    print(t("Withdrew %(count)d invite(s) of %(name)s.", count=count, name=target))
                    return 0
                if not keep:  # a lost phone: its chats are signed out at once
                    gone = await roster_people.sign_out(session, found[0].id, now)
                    print(t("Signed %(name)s out of %(count)d chat account(s).", name=target, count=gone),
                          file=sys.stderr)
                if signout:  # and any unused link withdrawn
                    await invites.revoke(session, found[0].id, now)
                    return 0
                people = list(found)
                fresh = {found[0].id: await invites.issue(session, found[0].id, now, ttl)}
            else:
                people = list(await invites.people_to_invite(session, role_value))
                fresh = {}
            columns = [("name", t("name")), ("role", t("role")), ("school", t("school")), ("code", t("code"))]
            columns += [("dingtalk", t("send on DingTalk"))] if on_dingtalk else []
            columns += [("link", t("link"))] if username else []
            table = [[label for _, label in columns]]
            for person in people:
                invite = fresh.get(person.id) or await invites.current_invite(session, person.id, now) \
                    or await invites.issue(session, person.id, now, ttl)
                roles = "/".join(t.raw(ROLE_LABELS[Role(r.role)]) for r in person.roles)
                row = [person.name, roles, person.school.name, invite.code]
                row += [f"绑定 {invite.code}"] if on_dingtalk else []
                row += [invite_link(username, invite.code)] if username else []
                table.append(row)
        if qr is not None:
            from bot.office_cli import write_invite_cards

            if not username:  # a QR code holds the Telegram link; on DingTalk the code is typed
                print(t("Set BOT_USERNAME (or BOT_TOKEN) so I can build the invite links."), file=sys.stderr)
                return 2
            return write_invite_cards(qr, [[*row[:4], row[-1]] for row in table[1:]], t)
        if fmt == "csv":
            writer = csv.writer(sys.stdout)
            writer.writerows(csv_row(row) for row in [[key for key, _ in columns], *table[1:]])
        elif len(table) == 1:
            print(t("Everyone in the roster has already joined."))
        else:
            print_table(table)
        return 0
    finally:
        await engine.dispose()


async def reopen_window(settings: Settings, t: Translator, *, mentor: str, kind: str, until: str,
                        year: int | None = None) -> int:
    """The office reopens an evaluation window for one mentor, from today until a date."""
    from datetime import date

    from sqlalchemy import select

    from program.clock import local_today
    from program.evaluations import KIND_WINDOWS, EvaluationKind
    from storage import evaluations
    from storage.models import Person, PersonRole

    try:
        closes = date.fromisoformat(until)
        which = EvaluationKind(kind)
    except ValueError:
        print(t("Use --kind initial|midterm|annual and --until YYYY-MM-DD."), file=sys.stderr)
        return 2
    engine, sessions = await _database(settings)
    clock = await _clock(settings, sessions)
    today = local_today(clock, settings.zone)
    try:
        if closes < today:
            print(t("The new closing date %(day)s has already passed.", day=closes), file=sys.stderr)
            return 2
        async with sessions() as session, session.begin():
            found = (await session.execute(select(Person).join(PersonRole, PersonRole.person_id == Person.id)
                .where(Person.name == mentor, PersonRole.role == Role.MENTOR.value))).unique().scalars().all()
            if len(found) != 1:
                print(t("No single mentor called “%(name)s” is in the roster.", name=mentor), file=sys.stderr)
                return 2
            await evaluations.reopen(session, mentor_id=found[0].id, window=KIND_WINDOWS[which].value,
                                     year=year or today.year, opens=today, closes=closes, now=clock.now())
            await _audit(session, t, "reopen", mentor, kind=kind, until=until)
        print(t("Reopened for %(name)s until %(day)s.", name=mentor, day=closes))
        return 0
    finally:
        await engine.dispose()



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yingcai", description="英才计划 assistant bot")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="language of this command's messages")
    sub = parser.add_subparsers(dest="command")
    running = sub.add_parser("run", help="run the bot (long polling, or a webhook with --webhook)")
    running.add_argument("--webhook", metavar="URL", help="take updates through this https:// address (WEBHOOK_URL)")
    running.add_argument("--workers", type=int, default=1, metavar="N",
                         help="N processes on one PostgreSQL (webhook mode)")
    running.add_argument("--no-scheduler", action="store_true",
                         help="only take updates; `yingcai scheduler` sweeps and delivers elsewhere")
    sub.add_parser("scheduler", help="only sweep and deliver the outbox (no updates); several are a hot standby")
    sub.add_parser("sandbox", help="try the bot locally: Telegram emulator, web chat page and demo data")
    sub.add_parser("migrate", help="apply database migrations")
    roster = sub.add_parser("roster", help="roster tools")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    importing = roster_sub.add_parser("import", help="import a roster (.csv or .xlsx)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--dry-run", action="store_true", help="check the file without saving")
    inv = sub.add_parser("invites", help="print invite links of people who have not joined yet")
    inv.add_argument("--role")
    inv.add_argument("--format", choices=["table", "csv"], default="table")
    inv.add_argument("--reissue", metavar="NAME", help="issue a new code for NAME (the old one stops working)")
    inv.add_argument("--revoke", metavar="NAME", help="withdraw NAME's unused invite")
    inv.add_argument("--signout", metavar="NAME", help="sign NAME out of every chat now (a lost phone), no new link")
    inv.add_argument("--keep", action="store_true", help="with --reissue: a second channel's code, nobody signed out")
    inv.add_argument("--school", help="which school, when names repeat")
    inv.add_argument("--qr", metavar="DIR", type=Path, help="write a QR code per person and an A4 sheet per school")
    reopen = sub.add_parser("reopen", help="reopen an evaluation window for one mentor")
    reopen.add_argument("--mentor", required=True)
    reopen.add_argument("--kind", required=True, choices=["initial", "midterm", "annual"])
    reopen.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    reopen.add_argument("--year", type=int, help="the program year of the evaluation (default: this year)")
    from bot import office_actions, office_cli

    office_cli.add_commands(sub)
    office_actions.add_commands(sub)
    report = sub.add_parser("outbox", help="messages and reminders by kind and status, and the latest errors")
    report.add_argument("--errors", type=int, default=10, help="how many of the latest errors to list")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    t = _cli_language(args.lang)
    overrides = {"WEBHOOK_URL": args.webhook} if getattr(args, "webhook", None) else {}
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as error:
        redact.add(os.environ.get("BOT_TOKEN"))
        print(t("The configuration is not valid: %(error)s", error=redact(str(error))), file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_format, secrets=(settings.bot_token, settings.webhook_secret))
    try:
        return _command(args, settings, t)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - said once, clearly, and never with the token in it
        from bot.serve import explain_failure

        return explain_failure(error, args.command or "run", settings, t)


def _command(args: argparse.Namespace, settings: Settings, t: Translator) -> int:
    command = args.command or "run"
    if command not in ("run", "scheduler", "sandbox"):
        asyncio.run(anchor_command(settings))  # every command runs on the rehearsal clock (the bot anchors its own)
    if command == "run":
        from bot.serve import run_bot, several_workers

        if getattr(args, "workers", 1) > 1:
            return several_workers(settings, t, args.workers, args.no_scheduler)
        if getattr(args, "workers", 1) < 1:
            print(t("--workers must be at least 1."), file=sys.stderr)
            return 2
        return asyncio.run(run_bot(settings, t, scheduler=not getattr(args, "no_scheduler", False)))
    if command == "scheduler":
        from bot.serve import run_bot

        return asyncio.run(run_bot(settings, t, updates=False))
    if command == "sandbox":
        from bot.sandbox.runner import run_sandbox

        return asyncio.run(run_sandbox(settings, t))
    if command == "migrate":
        from bot.serve import migrate_only

        return asyncio.run(migrate_only(settings))
    if command == "roster":
        return asyncio.run(import_roster(settings, args.file, t, dry_run=args.dry_run))
    if command == "invites":
        names = {key: getattr(args, key) for key in ("role", "reissue", "revoke", "school", "qr", "signout", "keep")}
        return asyncio.run(list_invites(settings, t, fmt=args.format, **names))
    if command == "reopen":
        return asyncio.run(reopen_window(settings, t, mentor=args.mentor, kind=args.kind, until=args.until,
                                         year=args.year))
    from bot import office_cli

    if command == "export":
        return asyncio.run(office_cli.export_workbook(settings, t, args))
    if command == "report":
        return asyncio.run(office_cli.draw_chart(settings, t, args.file))
    if command == "audit":
        return asyncio.run(office_cli.list_audit(settings, t, args.limit))
    if command == "mydata":
        return asyncio.run(office_cli.person_data(settings, t, args.person, args.school, args.out))
    from bot import office_actions

    if command in office_actions.COMMANDS:
        return asyncio.run(office_actions.run(settings, t, args))
    if command == "outbox":
        from bot.outbox_cli import show_outbox

        return asyncio.run(show_outbox(settings, t, print_table, errors=args.errors))
    return 2


if __name__ == "__main__":
    sys.exit(main())
