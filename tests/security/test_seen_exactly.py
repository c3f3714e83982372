"""Defect 6: the confirm button carries the log's version, so an edit a few milliseconds after the list was
shown is never confirmed unseen (a timestamp rounded to the second let it through)."""
from __future__ import annotations

from sqlalchemy import select

from handlers.views.links import EditLog
from storage.models import GrowthLog
from tests.helpers import joined
from tests.security.test_races import file_log

CHANGED = "学生在你打开列表之后修改了这篇日志"


async def edit(student, log_id: int, text: str) -> None:  # noqa: ANN001
    await student.press(payload=EditLog(log_id).pack())
    await student.press("修改某项")
    await student.press("做了什么")
    await student.send(text)
    await student.press("下一步")
    await student.press("保存修改")


async def stored(services, log_id: int) -> GrowthLog:  # noqa: ANN001
    async with services.sessions() as session:
        return (await session.execute(select(GrowthLog).where(GrowthLog.id == log_id))).scalar_one()


async def test_an_edit_in_the_same_second_as_the_list_is_never_confirmed_unseen(engine, services, clock):
    student = await joined(engine, services, "王小明", 1001)
    teacher = await joined(engine, services, "张丽", 3001)
    log_id = await file_log(student)
    await teacher.send("/confirm")  # the clock stands still: the edit below happens in the same millisecond
    await edit(student, log_id, "改过的内容：我的私人想法")
    assert "改过的内容：我的私人想法" in (await stored(services, log_id)).did
    replies = await teacher.press("✅ 确认 #1")
    log = await stored(services, log_id)
    assert log.status == "submitted" and CHANGED in "\n".join(s.text for s in replies)
    await teacher.press("✅ 确认 #1")  # the list shown again has the new text, and now it can be confirmed
    assert (await stored(services, log_id)).status == "confirmed"


async def test_confirm_all_leaves_out_a_log_edited_in_the_same_second_as_the_list(engine, services, clock):
    student = await joined(engine, services, "王小明", 1001)
    teacher = await joined(engine, services, "张丽", 3001)
    first = await file_log(student)
    second = await file_log(student)
    await teacher.send("/confirm")  # the clock stands still: the edit below happens in the same millisecond
    await edit(student, second, "改过的内容：老师没看到的文字")
    await teacher.press("全部确认")
    assert CHANGED in teacher.last  # asked to look again instead of a question about both logs
    assert (await stored(services, first)).status == "submitted"
    assert (await stored(services, second)).status == "submitted"
    await teacher.press("全部确认")  # the list shown again carries the new text: now both can be confirmed
    await teacher.press("确认全部")
    assert [(await stored(services, i)).status for i in (first, second)] == ["confirmed", "confirmed"]
