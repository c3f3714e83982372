"""Invite records: create, find, use, revoke, and list what the office hands out."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from program.invites import new_code
from storage.models import Account, Invite, Person, PersonRole
from storage.people import lock_person
from storage.plumbing import rows_written


async def find(session: AsyncSession, code: str) -> Invite | None:
    result = await session.execute(
        select(Invite).where(Invite.code == code).options(joinedload(Invite.person).joinedload(Person.roles)))
    return result.unique().scalar_one_or_none()


async def issue(session: AsyncSession, person_id: int, now: datetime, ttl: timedelta) -> Invite:
    """A fresh invite; any earlier unused one for the person stops working.

    The person's row is locked first, so two re-issues at the same moment leave one working code, not two.
    """
    await lock_person(session, person_id)
    await revoke(session, person_id, now)
    invite = Invite(person_id=person_id, code=new_code(), created_at=now, expires_at=now + ttl)
    session.add(invite)
    await session.flush()
    return invite


async def use(session: AsyncSession, invite: Invite, external_id: int, now: datetime) -> bool:
    """Marks the invite used by this chat account, once: False when it was used, withdrawn or expired first.

    A conditional update, so two phones opening one link at the same moment cannot both sign in.
    """
    await session.flush()
    used = await rows_written(session, update(Invite).where(
        Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None), Invite.expires_at > now)
        .values(used_at=now, used_by=external_id).execution_options(synchronize_session=False))
    await session.refresh(invite, ["used_at", "used_by", "revoked_at", "expires_at"])
    return used == 1


async def revoke(session: AsyncSession, person_id: int, now: datetime) -> int:
    return await rows_written(session, update(Invite).where(
        Invite.person_id == person_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None)).values(revoked_at=now))


async def people_to_invite(session: AsyncSession, role: str | None) -> Sequence[Person]:
    """Roster people who have not bound an account yet, by role, school and name."""
    query = (select(Person).outerjoin(Account, Account.person_id == Person.id)
             .where(Account.id.is_(None)).order_by(Person.school_id, Person.name))
    if role:
        query = query.where(Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == role)))
    return (await session.execute(query)).scalars().unique().all()


async def current_invite(session: AsyncSession, person_id: int, now: datetime) -> Invite | None:
    result = await session.execute(
        select(Invite).where(Invite.person_id == person_id, Invite.used_at.is_(None),
                             Invite.revoked_at.is_(None), Invite.expires_at > now)
        .order_by(Invite.created_at.desc()).limit(1))
    return result.scalar_one_or_none()
