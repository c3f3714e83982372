"""Messages for other people into the outbox: each rendered in its recipient's language, never sent at night."""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.kit import Notice
from program.i18n import translator
from program.quiet_hours import next_send_time
from storage import outbox, people


async def queue(session: AsyncSession, notices: Iterable[Notice], now: datetime, zone: tzinfo) -> int:
    """Puts notices into the outbox (the engine after each update, the office's CLI after its decisions)."""
    notices = list(notices)
    if not notices:
        return 0
    languages = await people.languages_of(session, (n.person_id for n in notices))
    queued = 0
    for notice in notices:
        screen = notice.render(translator(languages.get(notice.person_id)))
        queued += await outbox.enqueue(
            session, person_id=notice.person_id, kind=notice.kind, dedupe_key=notice.dedupe_key, text=screen.text,
            buttons=[[[b.label, b.payload] for b in row] for row in screen.buttons],
            due_at=next_send_time(now, zone), now=now)
    return queued
