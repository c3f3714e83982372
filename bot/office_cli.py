"""The office's `yingcai` commands: Excel export, the overview chart, QR invite sheets, the audit trail."""
from __future__ import annotations

import argparse
import getpass
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from bot.rehearsal import command_clock
from bot.settings import Settings
from program.audit import AUDIT_LABELS, AuditAction
from program.clock import local_today
from program.i18n import Translator


def add_commands(sub: Any) -> None:
    export = sub.add_parser("export", help="export everything to an Excel workbook")
    export.add_argument("file", type=Path)
    export.add_argument("--school")
    export.add_argument("--subject")
    export.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="activities from this day")
    export.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="activities up to this day")
    export.add_argument("--year", type=int, help="program year of evaluations, plans and results")
    report = sub.add_parser("report", help="draw the overview chart (PNG)")
    report.add_argument("file", type=Path)
    audit = sub.add_parser("audit", help="list what the office did, newest first")
    audit.add_argument("--limit", type=int, default=50)
    mydata = sub.add_parser("mydata", help="everything stored about one person, as JSON (their right to see it)")
    mydata.add_argument("--person", required=True)
    mydata.add_argument("--school")
    mydata.add_argument("--out", type=Path, help="write to this file instead of the screen")


def cli_actor(t: Translator) -> str:
    """Who did it, for the audit trail, when it was done on the command line."""
    return t("command line (%(user)s)", user=getpass.getuser())


async def _database(settings: Settings):  # noqa: ANN202
    from storage.db import create_engine, migrate, session_factory

    engine = create_engine(settings.database_url)
    await migrate(engine)
    return engine, session_factory(engine)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


async def export_workbook(settings: Settings, t: Translator, args: argparse.Namespace) -> int:
    from program.calendar import load_calendar
    from storage import audit
    from storage.export import export
    from storage.export_activity import ExportFilter

    today = local_today(command_clock(), settings.zone)
    try:
        first, last = _day(args.first), _day(args.last)
    except ValueError:
        print(t("Use dates like 2026-04-01 for --from and --to."), file=sys.stderr)
        return 2
    year = load_calendar(settings.calendar_file).year(args.year or (first or today).year)
    start, end = year.training
    f = ExportFilter(year.year, first or start, last or end, settings.zone, school=args.school, subject=args.subject)
    if f.last < f.first:
        print(t("--to is before --from."), file=sys.stderr)
        return 2
    engine, sessions = await _database(settings)
    try:
        async with sessions() as session, session.begin():
            written = await export(session, str(args.file), f, t, today=today)
            await audit.record(session, action=AuditAction.EXPORT, actor=cli_actor(t), now=command_clock().now(),
                               target=args.file.name, school=args.school, subject=args.subject,
                               first=f.first.isoformat(), last=f.last.isoformat(), rows=written)
    except OSError as error:
        print(t("Cannot write %(path)s: %(error)s", path=str(args.file), error=error.strerror or str(error)),
              file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(t("Wrote %(path)s:", path=str(args.file)))
    for sheet, count in written.items():
        print(t("  %(sheet)s: %(count)d rows", sheet=sheet, count=count))
    return 0


async def draw_chart(settings: Settings, t: Translator, path: Path) -> int:
    from program.calendar import load_calendar
    from program.chart import ChartUnavailable, render_overview
    from storage import dashboard

    today = local_today(command_clock(), settings.zone)
    year = load_calendar(settings.calendar_file).for_date(today)
    engine, sessions = await _database(settings)
    try:
        async with sessions() as session:
            overview = await dashboard.overview(session, year, today)
    finally:
        await engine.dispose()
    try:
        path.write_bytes(render_overview(overview, t))
    except ChartUnavailable:
        print(t("No font for Chinese is installed; install fonts-noto-cjk (make run and make test do)."),
              file=sys.stderr)
        return 2
    except OSError as error:
        print(t("Cannot write %(path)s: %(error)s", path=str(path), error=error.strerror or str(error)),
              file=sys.stderr)
        return 2
    print(t("Wrote %(path)s.", path=str(path)))
    return 0


def write_invite_cards(folder: Path, rows: Sequence[Sequence[str]], t: Translator) -> int:
    """A QR PNG per person (folder/school/name-role.png) and an A4 PDF per school (folder/school.pdf)."""
    from program.chart import ChartUnavailable
    from program.qr import Card, file_name, qr_png, school_sheet

    by_school: dict[str, list[Card]] = defaultdict(list)
    for name, role, school, _code, link in rows:
        by_school[school].append(Card(name, role, school, link))
    try:
        for school, cards in by_school.items():
            (folder / file_name(school)).mkdir(parents=True, exist_ok=True)
            for card in cards:
                (folder / file_name(school) / (file_name(card.name, card.role) + ".png")).write_bytes(qr_png(card.link))
            (folder / (file_name(school) + ".pdf")).write_bytes(school_sheet(
                school, cards, t("英才计划 · invite QR codes"),
                t("Scan with the phone's camera or Telegram to join. Each code works once.")))
    except ChartUnavailable:
        print(t("No font for Chinese is installed; install fonts-noto-cjk (make run and make test do)."),
              file=sys.stderr)
        return 2
    except OSError as error:
        print(t("Cannot write %(path)s: %(error)s", path=str(folder), error=error.strerror or str(error)),
              file=sys.stderr)
        return 2
    print(t("QR codes of %(people)d people and %(schools)d printable sheets are in %(path)s.",
            people=sum(len(c) for c in by_school.values()), schools=len(by_school), path=str(folder)))
    return 0


async def list_audit(settings: Settings, t: Translator, limit: int) -> int:
    from bot.terminal import print_table
    from program.i18n import format_moment
    from storage import audit

    engine, sessions = await _database(settings)
    try:
        async with sessions() as session:
            entries, total = await audit.recent(session, 0, max(1, min(limit, 1000)))
    finally:
        await engine.dispose()
    if not entries:
        print(t("Nothing has been recorded yet."))
        return 0
    table = [[t("when"), t("who"), t("what"), t("about")]]
    for entry in entries:
        label = AUDIT_LABELS.get(AuditAction(entry.action)) if entry.action in AuditAction.__members__.values() \
            else None
        table.append([format_moment(entry.at.astimezone(settings.zone), t.language), entry.actor,
                      t.raw(label) if label else entry.action, entry.target or ""])
    print_table(table)
    print(t("%(shown)d of %(total)d entries.", shown=len(entries), total=total))
    return 0


async def person_data(settings: Settings, t: Translator, name: str, school: str | None, out: Path | None) -> int:
    import json

    from program.errors import ProgramError
    from storage import mydata
    from storage.models import Person, School

    engine, sessions = await _database(settings)
    try:
        async with sessions() as session:
            from sqlalchemy import select

            query = select(Person).join(School, School.id == Person.school_id).where(Person.name == name)
            found = (await session.execute(query.where(School.name == school) if school else query)
                     ).unique().scalars().all()
            if len(found) != 1:
                print(t("Nobody called “%(name)s” is in the roster.", name=name) if not found else
                      t("Several people are called “%(name)s”; add --school.", name=name), file=sys.stderr)
                return 2
            text = json.dumps(await mydata.about(session, found[0].id), ensure_ascii=False, indent=2)
    except ProgramError as error:
        print(t(error.message, **error.params), file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    if out is None:
        print(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        print(t("Wrote %(path)s.", path=str(out)))
    return 0
