"""Bot plumbing records: handled update ids and each user's conversation state."""
from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, Table, bindparam, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import ConversationState, ProcessedUpdate


def upsert(session: AsyncSession, model: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT support on both SQLite and PostgreSQL."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)

async def rows_written(session: AsyncSession, statement: Executable, params: dict[str, Any] | None = None) -> int:
    """Runs an INSERT … ON CONFLICT, UPDATE or DELETE: how many rows it wrote (0 when the driver cannot say)."""
    # Such a statement gives a CursorResult, which has the rowcount; Session.execute is typed for any statement.
    return cast("CursorResult[Any]", await session.execute(statement, params)).rowcount or 0

# Built once: a statement object keeps its compiled form and cache key, which a new one per update recomputes.
_CLAIM = {name: dialect.insert(ProcessedUpdate.__table__).on_conflict_do_nothing()
          for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
_STATES = cast(Table, ConversationState.__table__)
_WRITE_STATE = update(_STATES).where(_STATES.c.channel == bindparam("chat_channel"),
                                     _STATES.c.external_id == bindparam("chat_external_id"))


async def claim_update(session: AsyncSession, scope: str, update_id: int, now: datetime) -> bool:
    """Records an update id; False when it was handled before (a redelivery to drop)."""
    claim = _CLAIM[session.bind.dialect.name if session.bind else "sqlite"]
    return await rows_written(session, claim, {"scope": scope, "update_id": update_id, "processed_at": now}) == 1

async def forget_updates_before(session: AsyncSession, moment: datetime) -> int:
    return await rows_written(session, delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment))

async def save_state(session: AsyncSession, row: ConversationState | None, channel: str, external_id: int,
                     flow: str | None, step: str | None, data: dict[str, Any], now: datetime,
                     shown: list[Any] | None = None) -> None:
    """Writes the state onto the row loaded for this update, or inserts the first one."""
    values: dict[str, Any] = {"flow": flow, "step": step, "data": data, "updated_at": now}
    if shown is not None:
        values["shown"] = shown
    if row is not None:
        # A plain UPDATE of the locked row: the ORM's unit of work would cost more than the rest of a step.
        await session.execute(_WRITE_STATE, {"chat_channel": channel, "chat_external_id": external_id, **values})
        for key, value in values.items():  # the loaded row says what is stored now, without a second write
            set_committed_value(row, key, value)
        return
    statement = upsert(session, ConversationState).values(channel=channel, external_id=external_id, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=["channel", "external_id"], set_=values))

async def remember_shown(session: AsyncSession, channel: str, external_id: int, pairs: list[list[str]],
                         now: datetime, keep: int) -> None:
    """A notice with buttons reached a text-only channel: its buttons can be tapped (typed) as well."""
    row = await session.get(ConversationState, (channel, external_id), with_for_update=True)
    if row is None:
        await save_state(session, None, channel, external_id, None, None, {}, now, shown=[pairs])
    else:
        row.shown = [pairs, *(row.shown or [])][:keep]
