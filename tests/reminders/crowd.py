"""A crowd for tests that need many people: one mentor, one teacher and N students, all joined (chat id = 10⁶ + id)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from program.roster import parse_roster, read_table
from storage.models import Account, Person
from storage.roster import apply_roster

CHAT_BASE = 1_000_000
CHUNK = 4_000


def roster(first: int, last: int) -> str:
    lines = ["name,role,school,subject,grade,mentor,teacher", "李明教授,mentor,山西大学,物理学,,,",
             "张丽,teacher,山西大学附属中学,,,,"]
    lines += [f"学生{i:05d},student,山西大学附属中学,物理学,高一,李明教授,张丽" for i in range(first, last)]
    return "\n".join(lines) + "\n"


async def crowd(sessions: async_sessionmaker[AsyncSession], students: int, joined_at: datetime) -> list[int]:
    """Imports the crowd and binds everyone's account; returns the students' chat ids."""
    async with sessions() as session, session.begin():
        for first in range(0, students, CHUNK):  # a roster file holds at most program.roster.MAX_ROWS rows
            parsed = parse_roster(read_table(roster(first, min(students, first + CHUNK)).encode(), "crowd.csv"))
            assert not parsed.errors, parsed.errors[:3]
            await apply_roster(session, parsed.rows, joined_at)
        people = (await session.execute(select(Person.id, Person.name))).all()
        session.add_all(Account(person_id=pid, channel="telegram", external_id=CHAT_BASE + pid,
                                chat_id=CHAT_BASE + pid, language_code="zh-hans", bound_at=joined_at)
                        for pid, _ in people)
    return [CHAT_BASE + pid for pid, name in people if name.startswith("学生")]
