"""What several bot processes on one database need: shared secrets, per-chat and leader locks, health checks."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Callable

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import OutboxMessage, RuntimeSecret
from storage.plumbing import rows_written, upsert

# Advisory lock keys live in one 64-bit space shared with anything else on the database: a fixed
# prefix keeps ours apart.
LEADER_LOCK = 0x5943_0001  # "YC" 1: the process that sweeps and delivers the outbox


def is_postgresql(bind: AsyncSession | AsyncConnection) -> bool:
    engine = bind.bind if isinstance(bind, AsyncSession) else bind
    return engine is not None and engine.dialect.name == "postgresql"


async def shared_secret(session: AsyncSession, name: str, make: Callable[[], str], now: datetime) -> str:
    """The deployment's secret `name`, made by whichever process asks first; every process reads the same."""
    await session.execute(upsert(session, RuntimeSecret).values(name=name, value=make(), created_at=now)
                          .on_conflict_do_nothing())
    return (await session.execute(select(RuntimeSecret.value).where(RuntimeSecret.name == name))).scalar_one()


def chat_lock_key(channel: str, external_id: int) -> int:
    """A signed 64-bit advisory-lock key for one chat (stable across processes and restarts)."""
    digest = hashlib.blake2b(f"chat:{channel}:{external_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def lock_chat(session: AsyncSession, channel: str, external_id: int) -> None:
    """Serialises one chat's updates across processes until this transaction ends (PostgreSQL).

    SQLite needs nothing: its single pooled connection already runs one transaction at a time.
    """
    if is_postgresql(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                              {"key": chat_lock_key(channel, external_id)})


async def try_lead(connection: AsyncConnection) -> bool:
    """Takes the leader lock on this connection if nobody holds it; it is released when the connection ends."""
    if not is_postgresql(connection):
        return True  # one process per SQLite file (several workers are refused): it leads
    return bool((await connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                          {"key": LEADER_LOCK})).scalar())


async def database_answers(session: AsyncSession) -> None:
    await session.execute(text("SELECT 1"))


async def schema_revision(session: AsyncSession) -> str | None:
    try:
        return (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    except Exception:  # noqa: BLE001 - no table yet: never migrated
        return None


async def outbox_depth(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: count for status, count in rows.all()}


async def release_stale_claims(session: AsyncSession) -> int:
    """A new leader takes over: rows the previous one had claimed (it died) can go out again at once."""
    from sqlalchemy import update

    return await rows_written(session, update(OutboxMessage)
                              .where(OutboxMessage.status == "pending", OutboxMessage.claim.is_not(None))
                              .values(claimed_until=None, claim=None))
