"""Streaming sheets of rows into an XLSX file with openpyxl's write-only mode, so memory stays flat."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import IO, Any, AsyncIterator, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from program.workbook import EXCEL_MAX_ROWS, Column, cell_value, fitted_width, must_be_text

SAMPLE_ROWS = 200  # widths are fitted to the header and this many first rows (a streamed sheet cannot look back)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: AsyncIterator[Sequence[Any]]


class _Writer:
    def __init__(self, book: Workbook, sheet: Sheet, zone: tzinfo) -> None:
        self.book, self.sheet, self.zone = book, sheet, zone
        self.part, self.written = 0, 0
        self.widths: list[int] = []
        self.current: Any = None

    def open(self, sample: list[list[Any]]) -> None:
        """A new worksheet (the first, or a continuation when Excel's row limit is reached)."""
        self.part += 1
        title = self.sheet.title if self.part == 1 else f"{self.sheet.title} ({self.part})"
        ws = self.current = self.book.create_sheet(title[:31])
        if not self.widths:
            self.widths = [column.width or fitted_width(column.header, [row[i] for row in sample])
                           for i, column in enumerate(self.sheet.columns)]
        for index, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header = []
        for column in self.sheet.columns:
            cell = WriteOnlyCell(ws, column.header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            header.append(cell)
        ws.append(header)
        self.rows_here = 1

    def append(self, values: list[Any]) -> None:
        if self.rows_here >= EXCEL_MAX_ROWS:
            self._finish_part()
            self.open([])
        ws = self.current
        row: list[Any] = []
        for index, value in enumerate(values):
            if must_be_text(value):
                cell = WriteOnlyCell(ws, value)
                cell.data_type = "s"  # shown as typed, never run as a formula
                row.append(cell)
            elif isinstance(value, str) and "\n" in value and self.widths[index] >= 30:
                cell = WriteOnlyCell(ws, value)
                cell.alignment = WRAP
                row.append(cell)
            else:
                row.append(value)
        ws.append(row)
        self.rows_here += 1
        self.written += 1

    def _finish_part(self) -> None:
        last = get_column_letter(len(self.sheet.columns))
        self.current.auto_filter.ref = f"A1:{last}{max(self.rows_here, 1)}"


async def write_workbook(target: str | IO[bytes], sheets: Iterable[Sheet], zone: tzinfo) -> dict[str, int]:
    """Writes the sheets one after another; returns the data rows written per sheet."""
    book = Workbook(write_only=True)
    written: dict[str, int] = {}
    for sheet in sheets:
        writer = _Writer(book, sheet, zone)
        sample: list[list[Any]] = []
        async for values in sheet.rows:
            row = [cell_value(v, zone) for v in values]
            if writer.current is None:
                sample.append(row)
                if len(sample) < SAMPLE_ROWS:
                    continue
                writer.open(sample)
                for held in sample:
                    writer.append(held)
                continue
            writer.append(row)
        if writer.current is None:
            writer.open(sample)
            for held in sample:
                writer.append(held)
        writer._finish_part()
        written[sheet.title] = writer.written
    book.save(target)
    return written
