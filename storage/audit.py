"""The office's audit trail: every office action with who and when, listed newest first."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from program.audit import AuditAction
from storage.models import AuditEntry


async def record(session: AsyncSession, *, action: AuditAction, actor: str, now: datetime,
                 actor_id: int | None = None, target: str | None = None, **details: Any) -> None:
    session.add(AuditEntry(at=now, actor_id=actor_id, actor=actor[:100], action=action.value,
                           target=target[:200] if target else None, details=details))


async def recent(session: AsyncSession, offset: int, limit: int) -> tuple[Sequence[AuditEntry], int]:
    total = (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
    rows = await session.execute(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                 .offset(offset).limit(limit))
    return rows.scalars().all(), total
