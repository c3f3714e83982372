"""The office's Excel export: every sheet streamed from the database into one workbook, memory flat."""
from __future__ import annotations

from datetime import date
from typing import IO, Any, AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from program import report
from program.evaluations import EvaluationKind
from program.i18n import Translator
from program.xlsx import Sheet, write_workbook
from storage.export_activity import ExportFilter, Names, log_rows, people_rows, progress_rows, session_rows
from storage.export_assessment import (
    certificate_rows,
    evaluation_rows,
    history_rows,
    plan_rows,
    progress_facts,
    result_rows,
)


def _sheet(t: Translator, spec: report.SheetSpec, rows: AsyncIterator[list[Any]]) -> Sheet:
    title, columns = spec
    return Sheet(t.raw(title), report.columns(t, columns), rows)

async def export(session: AsyncSession, target: str | IO[bytes], f: ExportFilter, t: Translator, *,
                 today: date) -> dict[str, int]:
    """Writes the workbook; returns the rows written per sheet (for the office's summary and the audit)."""
    names = await Names().load(session)

    def sheets() -> Any:
        yield _sheet(t, report.PEOPLE, people_rows(session, f, t, names))
        yield _sheet(t, report.SESSIONS, session_rows(session, f, t, names))
        yield _sheet(t, report.LOGS, log_rows(session, f, t, names))
        for kind in EvaluationKind:
            yield _sheet(t, report.evaluation_sheet(kind), evaluation_rows(session, f, t, names, kind))
        yield _sheet(t, report.HISTORY, history_rows(session, f, t, names))
        yield _sheet(t, report.PROGRESS, progress_rows(session, f, t, names, today=today,
                                                       facts=progress_facts(f, t)))
        yield _sheet(t, report.PLANS, plan_rows(session, f, t, names))
        yield _sheet(t, report.RESULTS, result_rows(session, f, t, names))
        yield _sheet(t, report.CERTIFICATES, certificate_rows(session, f, t, names))

    return await write_workbook(target, sheets(), f.zone)

