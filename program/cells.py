"""Spreadsheet cells the office opens in Excel: text that looks like a formula stays text (CSV and XLSX)."""
from __future__ import annotations

from typing import Any

# Excel, LibreOffice and WPS start a formula (or a DDE call) on any of these; OWASP's list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """A text value a spreadsheet would run instead of show."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> str:
    """A value for a CSV the office opens in Excel: formula-looking text gets a leading apostrophe.

    CSV has no cell types, so the apostrophe is the only way to say "text"; Excel hides it when showing the cell.
    """
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_row(values: Any) -> list[str]:
    return [csv_cell(v) for v in values]
