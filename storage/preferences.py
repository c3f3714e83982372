"""Each person's reminder settings: quiet hours and muted categories."""
from __future__ import annotations

from datetime import datetime, time
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MutedReminder, ReminderPreference
from storage.plumbing import upsert


async def quiet_hours_of(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, tuple[time, time]]:
    """Chosen quiet hours; people missing from the answer keep the program's default."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = await session.execute(select(ReminderPreference.person_id, ReminderPreference.quiet_start,
                                        ReminderPreference.quiet_end).where(ReminderPreference.person_id.in_(ids)))
    return {pid: (start, end) for pid, start, end in rows}


async def muted_of(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, set[str]]:
    ids = list(set(person_ids))
    found: dict[int, set[str]] = {pid: set() for pid in ids}
    if ids:
        rows = await session.execute(select(MutedReminder.person_id, MutedReminder.category)
                                     .where(MutedReminder.person_id.in_(ids)))
        for pid, category in rows:
            found[pid].add(category)
    return found


async def set_quiet_hours(session: AsyncSession, person_id: int, quiet: tuple[time, time], now: datetime) -> None:
    values = {"quiet_start": quiet[0], "quiet_end": quiet[1], "updated_at": now}
    statement = upsert(session, ReminderPreference).values(person_id=person_id, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=["person_id"], set_=values))


async def set_muted(session: AsyncSession, person_id: int, category: str, muted: bool) -> None:
    """Mutes or unmutes a category; doing it twice (a double tap) changes nothing more."""
    if muted:
        await session.execute(upsert(session, MutedReminder).values(person_id=person_id, category=category)
                              .on_conflict_do_nothing())
    else:
        await session.execute(delete(MutedReminder).where(MutedReminder.person_id == person_id,
                                                          MutedReminder.category == category))
