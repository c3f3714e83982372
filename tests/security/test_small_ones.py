"""The review's small ones: hours that round to nothing, sizes that read as equal to their limit."""
from __future__ import annotations

import pytest

from program.errors import InvalidInput
from program.growth_log import MAX_FILE_BYTES, parse_hours
from program.roster import MAX_FILE_BYTES as ROSTER_BYTES
from program.roster import RosterFileError, read_table
from program.text import size_in
from tests.helpers import joined


async def at_hours_step(student) -> None:  # noqa: ANN001
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await student.send("读了一章")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")


async def test_hours_that_round_to_nothing_are_refused_with_the_minimum(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await at_hours_step(student)
    await student.send("0.04")
    assert "至少 0.1" in student.said(2), student.said(2)
    assert "第 6/7 步" in student.last  # the same question again, not a silent jump
    await student.send("0.05")  # rounds to 0.1: kept, on to the files
    assert "第 7/7 步" in student.last


def test_hours_rule():
    assert parse_hours("0.05") == 0.1 and parse_hours("24.04") == 24
    for typed in ("0.04", "0", "24.1"):
        with pytest.raises(InvalidInput):
            parse_hours(typed)


async def test_a_file_just_over_the_limit_says_by_how_much(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await at_hours_step(student)
    await student.send_file("document", "BIG", name="实验数据.zip", size=MAX_FILE_BYTES + 40 * 1024)
    assert "有 20.04 MB" in student.said(2) and "不能超过 20 MB" in student.said(2), student.said(2)
    await student.send_file("document", "BIG2", name="a.zip", size=MAX_FILE_BYTES + 1)
    assert "有 20.01 MB" in student.said(2), student.said(2)


def test_sizes_never_read_as_equal_to_their_limit():
    assert size_in(MAX_FILE_BYTES + 1, 1024 * 1024) == "20.01"
    assert size_in(25 * 1024 * 1024, 1024 * 1024) == "25"
    assert size_in(3 * 1024 * 1024 // 10, 1024 * 1024) == "0.3"
    with pytest.raises(RosterFileError) as refused:
        read_table(b"x" * (ROSTER_BYTES + 1), "r.csv")
    assert refused.value.params["size"] == "5120.01"
