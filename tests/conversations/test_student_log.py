"""A student files a growth log in the chat: every step, wrong input, review and changes."""
from __future__ import annotations

from sqlalchemy import select

from handlers.views.links import EditLog
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


async def start_log(student) -> None:
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")


async def test_a_too_long_message_is_refused_and_nothing_typed_is_lost(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await start_log(student)
    await student.send("甲" * 1500)
    await student.send("乙" * 600)
    assert "2101" in student.said(2) and "2000" in student.said(2) and "没有改动" in student.said(2)
    await student.send("丙" * 400)
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.press("去核对")
    assert "甲" * 1500 + "\n" + "丙" * 400 in student.last


async def test_wrong_input_at_each_step_gets_the_same_question_again(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.send("随便写写")  # at the kind step only buttons count
    assert "按钮" in student.said(3) and "什么活动" in student.last
    await student.press("阅读")
    await student.press("其他日期")
    await student.send("明年")
    assert "日期" in student.said(2)
    await student.send("2099-01-01")
    assert "未来" in student.said(2) or "还没到" in student.said(2)
    await student.send("昨天")
    await student.send_file("photo", "P1")  # a photo at a text step is attached, the step stays
    await student.send("读了《费曼物理学讲义》第一章")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("好几个小时")
    assert "小时数" in student.said(2)
    await student.send("25")
    await student.send("3")
    await student.send_file("document", "BIG", name="实验数据.zip", size=30 * 1024 * 1024)
    assert "实验数据.zip" in student.said(3) and "20" in student.said(3)
    await student.press("去核对")
    assert "1 张照片" in student.last and "实验数据" not in student.last


async def test_old_buttons_cannot_throw_away_a_newer_draft(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("取消")
    old_yes = student.find("是").payload
    await student.press("不，继续")
    await student.press("阅读")
    await student.press("今天")
    await student.send("写了很多内容")
    await student.press(payload=old_yes)
    assert "之前消息" in student.said(2)
    await student.send("/log")
    old_fresh = student.find("重新开始").payload
    await student.press("继续")
    await student.send("还有补充")
    await student.press(payload=old_fresh)
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.press("去核对")
    assert "写了很多内容\n还有补充" in student.last


async def test_a_paused_edit_is_resumed_with_the_changes_typed_so_far(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await start_log(student)
    await student.send("原来的内容")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.press("去核对")
    await student.press("提交")
    async with services.sessions() as session:
        log_id = (await session.execute(select(GrowthLog.id))).scalar_one()
    await student.press(payload=EditLog(log_id).pack())
    await student.press("修改某项")
    await student.press("做了什么")
    await student.press("清空重写")
    await student.send("改过的内容")
    await student.send("/cancel")
    assert "修改都保留" in student.last
    await student.press(payload=EditLog(log_id).pack())
    assert "改过的内容" in student.said(2)
    await student.press("下一步")
    await student.press("保存修改")
    async with services.sessions() as session:
        assert (await session.get(GrowthLog, log_id)).did == "改过的内容"


async def test_typing_while_looking_at_progress_continues_the_log(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await start_log(student)
    await student.send("第一段")
    await student.send("📈 我的进度")
    await student.send("第二段")
    assert "已记下（7/2000" in student.last


async def test_an_old_button_says_truthfully_where_things_stand(engine, services):
    """Issue 8: an old "下一步" said "send /log" while the draft was open; an old "✅ 提交" said it after filing."""
    student = await joined(engine, services, "王小明", 1011)
    await start_log(student)
    await student.send("参观了物理实验室。")
    old_next = student.find("下一步").payload
    await student.press("下一步")
    await student.press("跳过")  # now at "problems and next steps"
    await student.press(payload=old_next)
    assert "这是之前消息里的按钮" in student.said(2) and "现在进行到这里" in student.said(2)
    assert "遇到了什么问题" in student.last or "问题" in student.last  # the question it is at now, again
    assert "发送 /log" not in student.said(2)

    await student.send("/cancel")  # paused: the draft is kept
    await student.press(payload=old_next)
    assert "发送 /log 继续写草稿" in student.last

    await student.send("/log")
    await student.press("继续")
    await student.press("跳过")
    await student.press("2 小时")
    await student.press("无附件")
    old_submit = student.find("提交").payload
    await student.press("提交")
    await student.press(payload=old_submit)
    assert "已经提交或已丢弃" in student.last and "继续写草稿" not in student.last
    async with services.sessions() as session:
        assert len((await session.execute(select(GrowthLog))).scalars().all()) == 1
