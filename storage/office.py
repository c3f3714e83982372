"""The office's changes to the roster after import: move a student, mark one as having left, mark alumni."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from program.errors import InvalidInput, NotFound
from program.i18n import N_
from program.roles import Role
from storage.models import Person, PersonRole, School, Supervision
from storage.people import lock_person
from storage.plumbing import rows_written


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
    """Gives the student these mentors (or this teacher) instead of the current ones; True when it changed.

    Two clerks moving one student at the same moment would otherwise both delete the old links and both
    insert theirs, leaving the union; the student's row lock makes the second see the first's result.
    """
    await lock_person(session, student_id)
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
    left = await rows_written(session, update(Person).where(Person.id == student_id, Person.exited_at.is_(None))
                              .values(exited_at=now, exit_reason=reason))
    return bool(left)


async def mark_alumni(session: AsyncSession, student_ids: Sequence[int], now: datetime) -> int:
    """Marks students as alumni (they keep reading their own logs and hear alumni broadcasts)."""
    if not student_ids:
        return 0
    return await rows_written(session, update(Person).where(Person.id.in_(student_ids), Person.alumni_at.is_(None))
                              .values(alumni_at=now))


async def person_in_role(session: AsyncSession, person_id: int, role: Role) -> Person | None:
    """The person only if they hold this role: a forged id, or one of another role, reads as not found."""
    return (await session.execute(select(Person).join(PersonRole, PersonRole.person_id == Person.id)
                                  .where(Person.id == person_id, PersonRole.role == role.value))
            ).unique().scalar_one_or_none()


async def schools(session: AsyncSession) -> Sequence[tuple[int, str, int]]:
    """Schools that have students: id, name and how many students, by name."""
    rows = await session.execute(
        select(School.id, School.name, func.count(Person.id)).join(Person, Person.school_id == School.id)
        .join(PersonRole, PersonRole.person_id == Person.id).where(PersonRole.role == Role.STUDENT.value)
        .group_by(School.id, School.name).order_by(School.name))
    return [(sid, name, count) for sid, name, count in rows]


async def subjects(session: AsyncSession) -> list[str]:
    rows = await session.execute(select(Person.subject).where(Person.subject.is_not(None)).distinct()
                                 .order_by(Person.subject))
    return [s for s in rows.scalars() if s]


async def students_page(session: AsyncSession, school_id: int, offset: int, limit: int,
                        ) -> tuple[Sequence[Person], int]:
    """One page of a school's students by name, and how many there are."""
    where = (Person.school_id == school_id,
             Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == Role.STUDENT.value)))
    total = (await session.execute(select(func.count()).select_from(Person).where(*where))).scalar_one()
    rows = await session.execute(select(Person).where(*where).order_by(Person.name, Person.id)
                                 .offset(offset).limit(limit))
    return rows.unique().scalars().all(), total


async def staff(session: AsyncSession, role: Role, school_id: int | None = None) -> Sequence[Person]:
    """Mentors (anywhere) or the teachers of one school, by name: whom a student can be moved to."""
    query = (select(Person).join(PersonRole, PersonRole.person_id == Person.id)
             .where(PersonRole.role == role.value).order_by(Person.name, Person.id))
    if school_id is not None:
        query = query.where(Person.school_id == school_id)
    return (await session.execute(query)).unique().scalars().all()
