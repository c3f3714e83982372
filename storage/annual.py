"""Annual evaluation records: the files students hand in and the office's results."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from program.annual import MAX_FILES_PER_KIND, Dimension, MaterialKind, Outcome, Rating
from program.errors import NotAllowed
from program.i18n import N_
from storage.models import AnnualMaterial, AnnualResult
from storage.people import lock_person
from storage.plumbing import rows_written


async def materials_of(session: AsyncSession, student_id: int, year: int) -> Sequence[AnnualMaterial]:
    rows = await session.execute(select(AnnualMaterial).where(
        AnnualMaterial.student_id == student_id, AnnualMaterial.program_year == year,
        AnnualMaterial.removed_at.is_(None)).order_by(AnnualMaterial.kind, AnnualMaterial.uploaded_at))
    return rows.scalars().all()


async def hand_in(session: AsyncSession, *, student_id: int, year: int, kind: MaterialKind, file: dict[str, Any],
                  now: datetime) -> AnnualMaterial:
    present = [m for m in await materials_of(session, student_id, year) if m.kind == kind.value]
    if len(present) >= MAX_FILES_PER_KIND:
        raise NotAllowed(N_("At most %(max)d files of each kind; remove one first."), max=MAX_FILES_PER_KIND)
    material = AnnualMaterial(student_id=student_id, program_year=year, kind=kind.value, file_id=file["file_id"],
                              file_unique_id=file.get("file_unique_id"), file_name=file.get("file_name"),
                              mime_type=file.get("mime_type"), size=file.get("size"), uploaded_at=now)
    session.add(material)
    await session.flush()
    return material


async def take_back(session: AsyncSession, material_id: int, student_id: int, now: datetime) -> bool:
    """Removes one of the student's own files (someone else's id changes nothing)."""
    removed = await rows_written(session, update(AnnualMaterial).where(
        AnnualMaterial.id == material_id, AnnualMaterial.student_id == student_id,
        AnnualMaterial.removed_at.is_(None)).values(removed_at=now))
    return bool(removed)


async def record_result(session: AsyncSession, *, student_id: int, year: int, ratings: dict[Dimension, Rating],
                        outcome: Outcome, international: bool, note: str, office_id: int | None,
                        now: datetime) -> tuple[AnnualResult, bool]:
    """Records (or corrects) a student's result; True when it is new.

    The student's row is locked first: a result that does not exist yet cannot be locked, and two clerks
    recording the first result at once would both insert it.
    """
    await lock_person(session, student_id)
    found = (await session.execute(select(AnnualResult).where(
        AnnualResult.student_id == student_id, AnnualResult.program_year == year).with_for_update())
             ).scalar_one_or_none()
    created = found is None
    result = found or AnnualResult(student_id=student_id, program_year=year)
    for dimension, rating in ratings.items():
        setattr(result, dimension.value, rating.value)
    result.outcome, result.international_candidate, result.note = outcome.value, international, note
    result.recorded_by, result.recorded_at = office_id, now
    if created:
        session.add(result)
    await session.flush()
    return result, created


async def with_result(session: AsyncSession, student_ids: Sequence[int], year: int) -> set[int]:
    """Which of these students have a result recorded for the year (one statement)."""
    if not student_ids:
        return set()
    rows = await session.execute(select(AnnualResult.student_id).where(
        AnnualResult.student_id.in_(list(student_ids)), AnnualResult.program_year == year))
    return set(rows.scalars())
