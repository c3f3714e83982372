"""Tables on the terminal, aligned for Chinese text (a Chinese character is two columns wide)."""
from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_table(rows: Sequence[Sequence[str]]) -> None:
    out = sys.stdout
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip() + "\n")
