"""`yingcai outbox`: what the outbox holds, by kind and status, and the latest delivery errors."""
from __future__ import annotations

from collections import defaultdict

from bot.settings import Settings
from program.clock import local_now
from program.i18n import N_, Translator

STATUSES = {"pending": N_("pending"), "sent": N_("sent"), "missed": N_("missed"), "skipped": N_("skipped"),
            "unreachable": N_("unreachable"), "failed": N_("failed")}


async def show_outbox(settings: Settings, t: Translator, print_table, *, errors: int = 10) -> int:  # noqa: ANN001
    from bot.rehearsal import command_clock
    from storage import outbox
    from storage.db import create_engine, migrate, session_factory
    from storage.models import Person

    engine = create_engine(settings.database_url)
    await migrate(engine)
    sessions = session_factory(engine)
    try:
        clock = command_clock()
        async with sessions() as session:
            counts = await outbox.counts(session)
            latest = await outbox.latest_errors(session, errors)
            names = {p.id: p.name for p in [await session.get(Person, row.person_id) for row in latest] if p}
    finally:
        await engine.dispose()
    now = local_now(clock, settings.zone)
    print(t("Outbox at %(moment)s%(rehearsal)s", moment=now.strftime("%Y-%m-%d %H:%M %Z"),
            rehearsal=t(" (rehearsal clock)") if settings.clock else ""))
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, count in counts:
        by_kind[kind][status] = count
    shown = list(STATUSES) + sorted({s for row in by_kind.values() for s in row} - set(STATUSES))
    table = [[t("kind"), *(t(STATUSES.get(s, s)) for s in shown)]]
    for kind in sorted(by_kind):
        table.append([kind, *(str(by_kind[kind].get(s, 0)) for s in shown)])
    table.append([t("total"), *(str(sum(row.get(s, 0) for row in by_kind.values())) for s in shown)])
    print_table(table)
    if latest:
        print("\n" + t("Latest errors:"))
        for row in latest:
            print(t("#%(id)d %(kind)s → %(name)s · %(status)s · %(attempts)d attempts · %(error)s", id=row.id,
                    kind=row.kind, name=names.get(row.person_id, "?"), status=t(STATUSES.get(row.status, row.status)),
                    attempts=row.attempts,
                    error=(row.last_error or "")[:160]))
    else:
        print("\n" + t("No delivery errors."))
    return 0
