"""An office clerk gets the Excel workbook in the chat and reads the audit trail; nobody else can."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import at
from tests.helpers import joined


async def test_the_workbook_arrives_as_a_document_and_the_export_is_in_the_audit_trail(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/export")
    await clerk.press("单个学校")
    await clerk.press("山西省实验中学")
    document = clerk.screens[-1].upload
    assert document is not None and document.kind == "document" and document.name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(document.data), read_only=True)
    people = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    names = {row[0] for row in people[1:]}
    assert "孙悦" in names and "王小明" not in names  # one school only
    assert "山西省实验中学" in clerk.last

    await clerk.send("/export")
    await clerk.press("操作记录")
    assert "王主任" in clerk.last and "导出" in clerk.last


async def test_only_the_office_exports(engine, services, clock):
    for name, user in (("王小明", 1001), ("李明教授", 2001), ("张丽", 3001)):
        chat = await joined(engine, services, name, user)
        for payload in ("oex:xlsx", "oex:xlsx:1", "oex:audit", "oex:schools"):
            await chat.press(payload=payload)
            assert "你的身份不能使用这个功能" in chat.last and chat.screens[-1].upload is None, (name, payload)


async def test_a_students_diary_entry_stays_out_of_the_office_workbook(engine, services, clock):
    """A diary entry (a kind that claims no session) is the student's alone: the office's export leaves it out."""
    from tests.security.test_teacher_scope import file

    clock.set(at("2026-11-20 10:00"))
    wang, clerk = await joined(engine, services, "王小明", 1001), await joined(engine, services, "王主任", 9001)
    await file(wang, "其他", "我的私人日记：最近和父母吵架了")
    await file(wang, "阅读", "读了《费曼物理学讲义》第一章")
    await clerk.send("/export")
    await clerk.press("全部学校")
    document = clerk.screens[-1].upload
    assert document is not None, clerk.last
    book = load_workbook(io.BytesIO(document.data), read_only=True)
    cells = "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                      for cell in row if cell is not None)
    assert "费曼物理学讲义" in cells and "私人日记" not in cells
