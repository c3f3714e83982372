"""The office's changes to the roster after import: move a student, mark one as having left, mark alumni."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from program.errors import InvalidInput, NotFound
from program.i18n import N_
from program.roles import Role
from storage.models import Person, PersonRole, School, Supervision


async def find(session: AsyncSession, name: str, role: Role, school: str | None = None) -> Person:
    """The one person of this name and role (and school, when names repeat)."""
    query = (select(Person).join(PersonRole, PersonRole.person_id == Person.id)
             .where(Person.name == name, PersonRole.role == role.value))
    if school:
        query = query.join(School, School.id == Person.school_id).where(School.name == school)
    found = (await session.execute(query)).unique().scalars().all()
    if not found:
        raise NotFound(N_("Nobody called “%(name)s” is in the roster."), name=name)
    if len(found) > 1:
        raise InvalidInput(N_("Several people are called “%(name)s”; add --school."), name=name)
    return found[0]


async def move_student(session: AsyncSession, student_id: int, relation: str, supervisor_ids: Sequence[int]) -> bool:
    """Gives the student these mentors (or this teacher) instead of the current ones; True when it changed."""
    current = set((await session.execute(select(Supervision.supervisor_id).where(
        Supervision.student_id == student_id, Supervision.relation == relation))).scalars())
    wanted = set(supervisor_ids)
    if current == wanted:
        return False
    await session.execute(delete(Supervision).where(Supervision.student_id == student_id,
                                                    Supervision.relation == relation))
    session.add_all(Supervision(student_id=student_id, supervisor_id=sid, relation=relation) for sid in wanted)
    await session.flush()
    return True


async def mark_left(session: AsyncSession, student_id: int, reason: str, now: datetime) -> bool:
    """The student left the program; their records stay. False when they had already left."""
    result = await session.execute(update(Person).where(Person.id == student_id, Person.exited_at.is_(None))
                                   .values(exited_at=now, exit_reason=reason))
    return bool(result.rowcount)


async def mark_alumni(session: AsyncSession, student_ids: Sequence[int], now: datetime) -> int:
    """Marks students as alumni (they keep reading their own logs and hear alumni broadcasts)."""
    if not student_ids:
        return 0
    result = await session.execute(update(Person).where(Person.id.in_(student_ids), Person.alumni_at.is_(None))
                                   .values(alumni_at=now))
    return result.rowcount or 0
