"""One chat's update in two statements: the chat lock with the update's claim, then account and state together."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import people, plumbing, runtime
from storage.models import Account, ConversationState, Person, UTCDateTime

# Locked first (the sub-select runs before the insert), exactly as the two statements did one after the other.
_LOCK_AND_CLAIM = text(
    "INSERT INTO processed_updates (scope, update_id, processed_at) "
    "SELECT :scope, :update_id, :now FROM (SELECT pg_advisory_xact_lock(:key)) AS locked "
    "ON CONFLICT DO NOTHING").bindparams(bindparam("now", type_=UTCDateTime()))


async def lock_and_claim(session: AsyncSession, channel: str, external_id: int, scope: str,
                         update_id: int | None, now: datetime) -> bool:
    """Serialises the chat (runtime.lock_chat) and records the update id; False for a redelivery to drop."""
    if update_id is None:
        await runtime.lock_chat(session, channel, external_id)
        return True
    if not runtime.is_postgresql(session):
        return await plumbing.claim_update(session, scope, update_id, now)  # SQLite: one transaction at a time
    claimed = await plumbing.rows_written(session, _LOCK_AND_CLAIM, {
        "scope": scope, "update_id": update_id, "now": now, "key": runtime.chat_lock_key(channel, external_id)})
    return claimed == 1


# Built once: the statement keeps its compiled form and cache key (a new one per update recomputes both).
_ACCOUNT_AND_STATE = (
    select(ConversationState, Account)
    .outerjoin(Account, and_(Account.channel == ConversationState.channel,
                             Account.external_id == ConversationState.external_id))
    .where(ConversationState.channel == bindparam("channel"), ConversationState.external_id == bindparam("external_id"))
    .options(joinedload(Account.person).joinedload(Person.roles))
    .with_for_update(of=ConversationState))


async def account_and_state(session: AsyncSession, channel: str, external_id: int,
                            ) -> tuple[Account | None, ConversationState | None]:
    """The bound account (person, school, roles) and the conversation state, locked until the update commits.

    One statement when the chat has a state row (everyone after their first step); else the account alone.
    """
    result = await session.execute(_ACCOUNT_AND_STATE, {"channel": channel, "external_id": external_id})
    found = result.unique().first()
    if found is None:
        return await people.account_of(session, channel, external_id), None
    return found.Account, found.ConversationState
