"""A student files a growth log in the chat: every step, wrong input, review and changes."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import GrowthLog
from tests.helpers import joined


async def test_student_files_a_log_with_a_photo(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    assert "王小明" in student.last
    await student.send("/log")
    assert "什么活动" in student.last or "kind of activity" in student.last
    await student.press("导师见面")
    await student.press("昨天")
    await student.send("和李老师讨论了课题的实验方案。")
    await student.press("下一步")
    await student.send("学会了误差分析")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("2 小时")
    await student.send_file("photo", "PHOTO1")
    await student.press("完成")
    assert "和李老师讨论了课题的实验方案" in student.last
    await student.press("提交")
    async with services.sessions() as session:
        logs = (await session.execute(select(GrowthLog))).scalars().all()
    assert len(logs) == 1
    assert logs[0].did == "和李老师讨论了课题的实验方案。"
    assert [a.file_id for a in logs[0].attachments] == ["PHOTO1"]
