"""What arrives at the edge: control characters, huge ids, odd file names; never a crash, never a stuck draft."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import GrowthLog
from tests.helpers import joined

BROKE = "出了点问题"  # the generic "something went wrong on our side": never acceptable here


async def test_a_nul_in_a_log_is_dropped_and_the_log_files(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await student.send("读了\x00《时间简史》\x07第一章\r\n做了笔记\ud800")
    await student.press("下一步")
    await student.send("\x00\x01")  # nothing left once cleaned: "empty", and the draft stays as it was
    assert "空" in student.said(2)
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1\x00")
    await student.send_file("document", "DOC1", name="笔记\x00.pdf")
    await student.press("完成")
    await student.press("提交")
    assert BROKE not in student.said(4) and "已提交" in student.said(2), student.said(4)
    async with services.sessions() as session:
        log = (await session.execute(select(GrowthLog))).scalars().one()
    assert log.did == "读了《时间简史》第一章\n做了笔记" and log.hours == 1.0
    assert log.attachments[0].file_name == "笔记.pdf"


async def test_a_file_whose_id_carries_a_lone_surrogate_still_leaves_the_students_data_exportable(engine, services):
    """A broken client's file id ("\ud83e": half an emoji) sat in the draft, and /mydata then failed to encode it."""
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await student.send("读了第一章")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.send_file("photo", "F\ud83e\x00照片")
    screens = await student.send("/mydata")
    assert BROKE not in student.said(2), student.said(2)
    assert "F照片" in screens[-1].upload.data.decode(), "the draft's file, cleaned, is in the export"


async def test_an_id_beyond_the_database_range_reads_as_not_found(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    teacher = await joined(engine, services, "张丽", 3001)
    mentor = await joined(engine, services, "李明教授", 2001)
    for chat, payload in ((student, "mylogs:open:2147483648:0"), (student, "mylogs:page:99999999999"),
                          (teacher, "tch:see:2147483648"), (teacher, "tch:nudge:4294967296"),
                          (mentor, "mst:logs:2147483648:0"), (mentor, "ev:open:initial:999999999999"),
                          (student, "rsvp:yes:2147483648")):
        screens = await chat.press(payload=payload)
        text = "\n".join(s.text for s in screens)
        assert BROKE not in text and ("找不到" in text or "未找到" in text), (payload, text)
