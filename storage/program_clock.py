"""Where the program clock of a rehearsal is anchored: one row every process of a deployment reads."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProgramClock
from storage.plumbing import upsert

ROW = 1


async def stored(session: AsyncSession) -> tuple[str, timedelta] | None:
    """(what set it, program time minus real time), or None when nothing was ever set."""
    row = (await session.execute(select(ProgramClock).where(ProgramClock.id == ROW))).scalar_one_or_none()
    return (row.source, timedelta(seconds=row.offset_seconds)) if row else None


async def store(session: AsyncSession, source: str, offset: timedelta, now: datetime) -> None:
    values = {"source": source[:64], "offset_seconds": offset.total_seconds(), "updated_at": now}
    statement = upsert(session, ProgramClock).values(id=ROW, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=values))


async def anchor(session: AsyncSession, source: str, offset: timedelta, now: datetime) -> timedelta:
    """The offset already anchored for `source`, else `offset`, anchored now (the first process to start wins)."""
    await session.execute(upsert(session, ProgramClock).values(
        id=ROW, source=source[:64], offset_seconds=offset.total_seconds(), updated_at=now).on_conflict_do_nothing())
    row = (await session.execute(select(ProgramClock).where(ProgramClock.id == ROW).with_for_update())).scalar_one()
    if row.source != source[:64]:
        row.source, row.offset_seconds, row.updated_at = source[:64], offset.total_seconds(), now
    return timedelta(seconds=row.offset_seconds)
