"""Applying a checked roster to the database, idempotently (a person is name + school; roles add up)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from program.roles import Role
from program.roster import RosterRow
from storage.models import Person, PersonRole, School, Supervision


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


async def known_people(session: AsyncSession) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(name, school) of the mentors and of the teachers already in the database."""
    rows = await session.execute(
        select(Person.name, School.name, PersonRole.role).join(School, School.id == Person.school_id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role.in_([Role.MENTOR.value, Role.TEACHER.value])))
    mentors, teachers = set(), set()
    for name, school, role in rows:
        if role == Role.MENTOR.value:
            mentors.add((name, school))
        else:
            teachers.add((name, school))
    return mentors, teachers


async def known_roles(session: AsyncSession) -> dict[tuple[str, str], set[Role]]:
    """Everyone already in the database: (name, school) → their roles."""
    rows = await session.execute(select(Person.name, School.name, PersonRole.role)
                                 .join(School, School.id == Person.school_id)
                                 .join(PersonRole, PersonRole.person_id == Person.id))
    found: dict[tuple[str, str], set[Role]] = {}
    for name, school, role in rows:
        found.setdefault((name, school), set()).add(Role(role))
    return found


class OnePersonTwoRoles(ValueError):
    """A student row would merge with a staff member of the same name and school (or the reverse)."""


async def apply_roster(session: AsyncSession, rows: list[RosterRow], now: datetime) -> ImportResult:
    """Creates or updates each row's person (counted per person) and sets each student's mentors and teacher."""
    schools = {s.name: s for s in (await session.execute(select(School))).scalars()}
    people = {(p.name, p.school.name): p for p in (await session.execute(select(Person))).unique().scalars()}
    seen: set[int] = set()
    created: set[int] = set()
    updated: set[int] = set()
    for row in rows:
        school = schools.get(row.school)
        if school is None:
            school = schools[row.school] = School(name=row.school)
            session.add(school)
            await session.flush()
        person = people.get((row.name, row.school))
        if person is None:
            person = Person(name=row.name, school_id=school.id, subject=row.subject, grade=row.grade,
                            created_at=now, roles=[])
            session.add(person)
            await session.flush()
            await session.refresh(person, ["school"])
            people[(row.name, row.school)] = person
            created.add(person.id)
        seen.add(person.id)
        for attribute in ("subject", "grade"):
            value = getattr(row, attribute)
            if value is not None and getattr(person, attribute) != value:
                setattr(person, attribute, value)
                updated.add(person.id)
        roles = {r.role for r in person.roles}
        if roles and (row.role is Role.STUDENT) != (Role.STUDENT.value in roles):
            # parse_roster reports these rows; this guard keeps any other caller from merging two people.
            raise OnePersonTwoRoles(f"{row.name} at {row.school} would be both a student and staff")
        if row.role.value not in roles:
            person.roles.append(PersonRole(role=row.role.value))
            updated.add(person.id)
    await session.flush()
    for row in rows:
        if row.role is not Role.STUDENT:
            continue
        student = people[(row.name, row.school)]
        mentor_ids = {_person_with_role(people, name, None, Role.MENTOR) for name in row.mentors}
        teacher_ids = {_person_with_role(people, row.teacher, row.school, Role.TEACHER)} if row.teacher else set()
        if await _set_supervisors(session, student.id, "mentor", mentor_ids):
            updated.add(student.id)
        if await _set_supervisors(session, student.id, "teacher", teacher_ids):
            updated.add(student.id)
    await session.flush()
    return ImportResult(created=len(created), updated=len(updated - created), unchanged=len(seen - created - updated))


def _person_with_role(people: dict[tuple[str, str], Person], name: str, school: str | None, role: Role) -> int:
    for (person_name, person_school), person in people.items():
        if person_name == name and (school is None or person_school == school) \
                and role.value in {r.role for r in person.roles}:
            return person.id
    raise LookupError(f"{role.value} {name} not found")


async def _set_supervisors(session: AsyncSession, student_id: int, relation: str, wanted: set[int]) -> bool:
    """Makes the student's mentors (or teacher) exactly `wanted`; True when something changed."""
    current = set((await session.execute(select(Supervision.supervisor_id).where(
        Supervision.student_id == student_id, Supervision.relation == relation))).scalars())
    if current == wanted:
        return False
    if current - wanted:
        await session.execute(delete(Supervision).where(
            Supervision.student_id == student_id, Supervision.relation == relation,
            Supervision.supervisor_id.in_(current - wanted)))
    session.add_all(Supervision(student_id=student_id, supervisor_id=sid, relation=relation)
                    for sid in wanted - current)
    return True
