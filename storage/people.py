"""Queries about people: accounts, roles, who supervises whom, and their languages."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Sequence

from sqlalchemy import CompoundSelect, delete, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from program.roles import Role
from storage.models import Account, ChannelUser, ConversationState, Person, PersonRole, School, SignedOut, Supervision
from storage.plumbing import upsert


async def account_of(session: AsyncSession, channel: str, external_id: int) -> Account | None:
    """The bound account with its person, school and roles, in one statement."""
    result = await session.execute(
        select(Account)
        .where(Account.channel == channel, Account.external_id == external_id)
        .options(joinedload(Account.person).joinedload(Person.roles))
    )
    return result.unique().scalar_one_or_none()


async def languages_of(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, str | None]:
    """Each person's language: their choice, else their chat client's (the account used last wins)."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.language, Account.language_code)
        .outerjoin(Account, Account.person_id == Person.id)
        .where(Person.id.in_(ids))
        .order_by(Account.last_seen_at.asc().nulls_first())
    )
    found: dict[int, str | None] = {}
    for pid, chosen, client in rows:
        found[pid] = chosen or client or found.get(pid)
    return found


async def lock_person(session: AsyncSession, person_id: int) -> bool:
    """Locks the person's row until the transaction ends, so changes to one person (their supervisors, a new
    invite, a first annual result) queue behind each other; False when there is no such person."""
    found = await session.execute(select(Person.id).where(Person.id == person_id).with_for_update())
    return found.scalar_one_or_none() is not None


SEEN_PRECISION = timedelta(minutes=1)  # "used last" to the minute: no write on every message


def seen(account: Account, now: datetime) -> None:
    """The person wrote from this account: their notices come here from now on."""
    if account.last_seen_at is None or now - account.last_seen_at >= SEEN_PRECISION:
        account.last_seen_at = now


async def bind_account(session: AsyncSession, person: Person, channel: str, external_id: int,
                       chat_id: int, language_code: str | None, now: datetime) -> Account:
    """Binds a chat account to a person; re-invited on a new phone, they move to it (on the same channel).

    An account on another channel (Telegram beside DingTalk) stays: notices go to the one used last.
    """
    existing = (await session.execute(select(Account).where(
        Account.person_id == person.id, Account.channel == channel))).scalar_one_or_none()
    if existing is not None:
        await session.delete(existing)
        await session.flush()
    await session.execute(delete(SignedOut).where(SignedOut.channel == channel, SignedOut.external_id == external_id))
    account = Account(person_id=person.id, channel=channel, external_id=external_id, chat_id=chat_id,
                      language_code=language_code, bound_at=now, last_seen_at=now)
    session.add(account)
    await session.flush()
    return account


async def sign_out(session: AsyncSession, person_id: int, now: datetime) -> int:
    """Signs every chat account of the person out at once (a lost phone); returns how many there were.

    The accounts go, with their conversations and drafts; what is owed to the person waits in the outbox
    until they join again with a new invite. The old chat is remembered, so its next message is told why.
    """
    accounts = (await session.execute(select(Account).where(Account.person_id == person_id))).scalars().all()
    for account in accounts:
        await session.execute(delete(SignedOut).where(SignedOut.channel == account.channel,
                                                      SignedOut.external_id == account.external_id))
        session.add(SignedOut(person_id=person_id, channel=account.channel, external_id=account.external_id,
                              signed_out_at=now))
        await session.execute(delete(ConversationState).where(ConversationState.channel == account.channel,
                                                              ConversationState.external_id == account.external_id))
        await session.delete(account)
    await session.flush()
    return len(accounts)


async def was_signed_out(session: AsyncSession, channel: str, external_id: int) -> bool:
    """This chat belonged to someone the office signed out, and nobody joined from it since."""
    found = await session.execute(select(SignedOut.id).where(SignedOut.channel == channel,
                                                             SignedOut.external_id == external_id))
    return found.first() is not None


async def number_for(session: AsyncSession, channel: str, key: str, now: datetime) -> int:
    """The number the core knows a non-numeric chat identity by; the first message creates it."""
    await session.execute(upsert(session, ChannelUser).values(channel=channel, key=key, created_at=now)
                          .on_conflict_do_nothing())
    return (await session.execute(select(ChannelUser.id).where(
        ChannelUser.channel == channel, ChannelUser.key == key))).scalar_one()


async def key_for(session: AsyncSession, channel: str, number: int) -> str | None:
    return (await session.execute(select(ChannelUser.key).where(
        ChannelUser.channel == channel, ChannelUser.id == number))).scalar_one_or_none()


async def students_of(session: AsyncSession, supervisor_id: int, relation: str) -> Sequence[Person]:
    """Students a mentor (relation "mentor") or teacher ("teacher") is assigned to."""
    result = await session.execute(
        select(Person).join(Supervision, Supervision.student_id == Person.id)
        .where(Supervision.supervisor_id == supervisor_id, Supervision.relation == relation)
        .order_by(Person.name)
    )
    return result.scalars().all()


def teacher_students(teacher_id: int) -> CompoundSelect:
    """Ids of the students a guidance teacher acts on: those assigned to them, and, at their school, those
    assigned to no teacher at all (shared by the school's teachers). Never the teacher themselves.

    A union of two index lookups: the NOT IN over every teacher assignment it replaces made each use read all
    the supervisions and all the people (≈200 ms at 100,000 students).
    """
    theirs = select(Supervision.student_id).where(
        Supervision.supervisor_id == teacher_id, Supervision.relation == "teacher",
        Supervision.student_id != teacher_id)
    school = select(Person.school_id).where(Person.id == teacher_id).scalar_subquery()
    has_teacher = select(Supervision.student_id).where(Supervision.student_id == Person.id,
                                                        Supervision.relation == "teacher").exists()
    unassigned = select(Person.id).where(Person.school_id == school, Person.id != teacher_id, ~has_teacher)
    return union(theirs, unassigned)


async def students_of_teacher(session: AsyncSession, teacher_id: int) -> Sequence[Person]:
    """The students a teacher acts on (see `teacher_students`), by name."""
    result = await session.execute(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.id.in_(teacher_students(teacher_id)), PersonRole.role == Role.STUDENT.value)
        .order_by(Person.name))
    return result.scalars().all()


async def is_teachers_student(session: AsyncSession, teacher_id: int, student_id: int) -> bool:
    """The student is one a guidance teacher acts on (see `teacher_students`)."""
    found = await session.execute(select(Person.id).where(Person.id == student_id,
                                                          Person.id.in_(teacher_students(teacher_id))))
    return found.first() is not None


async def is_supervised_by(session: AsyncSession, student_id: int, supervisor_id: int, relation: str) -> bool:
    found = await session.execute(
        select(Supervision.student_id).where(
            Supervision.student_id == student_id, Supervision.supervisor_id == supervisor_id,
            Supervision.relation == relation)
    )
    return found.first() is not None


async def school_named(session: AsyncSession, name: str) -> School:
    school = (await session.execute(select(School).where(School.name == name))).scalar_one_or_none()
    if school is None:
        school = School(name=name)
        session.add(school)
        await session.flush()
    return school


async def all_students(session: AsyncSession) -> Sequence[Person]:
    result = await session.execute(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.STUDENT.value).order_by(Person.school_id, Person.name))
    return result.scalars().unique().all()


async def supervised_student(session: AsyncSession, student_id: int, supervisor_id: int,
                             relation: str = "mentor") -> Person | None:
    """The student only if this mentor (or teacher) supervises them: others read as not found."""
    result = await session.execute(
        select(Person).join(Supervision, Supervision.student_id == Person.id)
        .where(Person.id == student_id, Supervision.supervisor_id == supervisor_id, Supervision.relation == relation,
               Person.id != supervisor_id))
    return result.unique().scalar_one_or_none()


async def supervisors_of(session: AsyncSession, student_id: int, relation: str) -> Sequence[Person]:
    """A student's mentors ("mentor") or guidance teacher ("teacher"), by name."""
    result = await session.execute(
        select(Person).join(Supervision, Supervision.supervisor_id == Person.id)
        .where(Supervision.student_id == student_id, Supervision.relation == relation).order_by(Person.name))
    return result.unique().scalars().all()


async def named(session: AsyncSession, person_ids: Iterable[int]) -> Sequence[Person]:
    """People by id (for their names in a list), in one statement."""
    ids = list(person_ids)
    if not ids:
        return []
    return (await session.execute(select(Person).where(Person.id.in_(ids)))).unique().scalars().all()
