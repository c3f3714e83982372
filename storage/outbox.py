"""The outbox: messages for people other than the one acting, stored first and delivered once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, OutboxMessage
from storage.plumbing import upsert


async def enqueue(session: AsyncSession, *, person_id: int, kind: str, dedupe_key: str, text: str,
                  buttons: list[Any], due_at: datetime, now: datetime) -> bool:
    """Adds a message unless one with the same dedupe key exists; True when added."""
    statement = upsert(session, OutboxMessage).values(
        person_id=person_id, kind=kind, dedupe_key=dedupe_key[:160], text=text, buttons=buttons,
        due_at=due_at, status="pending", attempts=0, created_at=now,
    ).on_conflict_do_nothing()
    return (await session.execute(statement)).rowcount == 1


@dataclass(frozen=True)
class Delivery:
    id: int
    person_id: int
    chat_id: int | None
    text: str
    buttons: list[Any]
    attempts: int


async def claim_due(session: AsyncSession, now: datetime, limit: int, lease: timedelta) -> list[Delivery]:
    """Takes due rows for one worker; a lease keeps other workers off them until it expires."""
    query = (
        select(OutboxMessage, Account.chat_id, Account.unreachable_at)
        .outerjoin(Account, Account.person_id == OutboxMessage.person_id)
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    rows = (await session.execute(query)).all()
    claimed = []
    for message, chat_id, unreachable_at in rows:
        if chat_id is None or unreachable_at is not None:
            # Not bound yet or blocked the bot: keep it, the office sees it as undelivered.
            message.status = "unreachable"
            message.last_error = "no reachable account"
            continue
        message.claimed_until = now + lease
        message.attempts += 1
        claimed.append(Delivery(message.id, message.person_id, chat_id, message.text, message.buttons,
                                message.attempts))
    return claimed


async def mark_sent(session: AsyncSession, message_id: int, now: datetime) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                          .values(status="sent", sent_at=now, claimed_until=None))


async def postpone(session: AsyncSession, message_id: int, until: datetime, error: str) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                          .values(due_at=until, claimed_until=None, last_error=error))


async def mark_failed(session: AsyncSession, message_id: int, status: str, error: str) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                          .values(status=status, claimed_until=None, last_error=error))


async def mark_unreachable(session: AsyncSession, person_id: int, now: datetime) -> None:
    await session.execute(update(Account).where(Account.person_id == person_id).values(unreachable_at=now))


async def pending_for(session: AsyncSession, person_id: int) -> Sequence[OutboxMessage]:
    result = await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == person_id)
                                   .order_by(OutboxMessage.id))
    return result.scalars().all()
