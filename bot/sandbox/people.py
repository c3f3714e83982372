"""Who is in the sandbox: the people with a (fake) Telegram account, read from the sandbox database."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.sandbox.control import Person
from bot.sandbox.demo import PILOT_SCHOOLS, UNIVERSITY
from program.roles import Role
from storage.models import Account

if TYPE_CHECKING:
    from handlers.kit import Services

ROLE_ORDER = (Role.STUDENT, Role.TEACHER, Role.MENTOR, Role.OFFICE)
MAX_USER_ID = 2**63 - 1  # the widest id the database stores; anything longer is nobody


async def everybody(services: Services) -> list[Person]:
    """Students first, then teachers, mentors and the office; by pilot school, then by name."""
    async with services.sessions() as session:
        accounts = (await session.execute(select(Account).where(Account.channel == "telegram"))).unique().scalars()
        found = [_person(account) for account in accounts]
    schools = {name: i for i, name in enumerate((*PILOT_SCHOOLS, UNIVERSITY))}
    found.sort(key=lambda p: (ROLE_ORDER.index(p.roles[0]) if p.roles else len(ROLE_ORDER),
                              schools.get(p.school, 99), p.school, p.name))
    return found


async def find_person(services: Services, user_id: int) -> Person | None:
    if not 0 < user_id <= MAX_USER_ID:
        return None
    async with services.sessions() as session:
        account = (await session.execute(select(Account).where(
            Account.channel == "telegram", Account.external_id == user_id))).unique().scalar_one_or_none()
        return _person(account) if account is not None else None


def _person(account: Account) -> Person:
    person = account.person
    roles = tuple(sorted((Role(r.role) for r in person.roles), key=ROLE_ORDER.index))
    return Person(user_id=account.external_id, name=person.name, roles=roles, school=person.school.name,
                  subject=person.subject or None, grade=person.grade or None, language=account.language_code)
