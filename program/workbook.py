"""How values become spreadsheet cells: local dates without a zone, widths that fit Chinese, no formulas."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from program.cells import looks_like_formula

EXCEL_MAX_ROWS = 1_048_576
MAX_WIDTH = 60  # long texts wrap at this width instead of stretching the sheet
MIN_WIDTH = 6
# Characters an XLSX file cannot hold (control characters other than tab, newline and carriage return).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    header: str
    width: int | None = None  # fixed width; None: fitted to the header and the first rows


def display_width(value: Any) -> int:
    """Columns a value takes in Excel: a Chinese character is about two Latin ones."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def fitted_width(header: str, sample: list[Any]) -> int:
    widest = max([display_width(header), *(display_width(v) for v in sample)])
    return max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))


def cell_value(value: Any, zone: tzinfo) -> Any:
    """A datetime in the program's zone (Excel has none); text cleaned of characters XLSX refuses."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    return value


def must_be_text(value: Any) -> bool:
    """Text that Excel would otherwise run as a formula is stored as a text cell."""
    return looks_like_formula(value)
