"""Time arithmetic in SQL that reads the same on SQLite and PostgreSQL (sweeps compute due times in the query)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnExpressionArgument, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from storage.models import UTCDateTime


class shifted(FunctionElement[Any]):
    """A stored moment plus a fixed duration: `shifted(ends_at, timedelta(hours=3))`."""

    type = UTCDateTime()
    inherit_cache = True

    def __init__(self, moment: ColumnExpressionArgument[Any], delta: timedelta) -> None:
        self.seconds = int(delta.total_seconds())
        super().__init__(moment)


@compiles(shifted, "sqlite")
def _shift_sqlite(element: shifted, compiler: Any, **kw: Any) -> str:
    # The same text layout SQLAlchemy stores ("2026-11-20 02:00:00.000000"), so moments compare as strings.
    moment = compiler.process(list(element.clauses)[0], **kw)
    return f"strftime('%Y-%m-%d %H:%M:%f000', {moment}, '{element.seconds:+d} seconds')"


@compiles(shifted, "postgresql")
def _shift_postgresql(element: shifted, compiler: Any, **kw: Any) -> str:
    moment = compiler.process(list(element.clauses)[0], **kw)
    return f"({moment} + interval '{element.seconds} seconds')"


class epoch(FunctionElement[int]):
    """A stored moment as whole seconds since 1970: a key part that does not depend on the session's time zone."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler: Any, **kw: Any) -> str:
    return f"CAST(extract(epoch FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


class days_between(FunctionElement[int]):
    """Whole days from the date `earlier` to the date `later`."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"({later} - {earlier})"
