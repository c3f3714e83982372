"""A student's story on Telegram, through each adapter over HTTP: join, file a log with a photo, edit, progress."""
from __future__ import annotations

from sqlalchemy import select

from handlers.views.links import OpenMyLog
from storage.models import Account, GrowthLog

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 2048


async def test_onboarding_with_valid_used_and_unknown_codes(world):
    student = await world.person("王小明")
    assert "欢迎你，王小明" in student.last.text
    assert {"📝 写成长日志", "📚 我的日志"} <= set(student.menu)
    thief = world.stranger()
    async with world.services.sessions() as session:
        account = (await session.execute(select(Account))).scalar_one()
    assert account.person.name == "王小明"
    await thief.send_command("start", "DEFINITELY-NOT-A-CODE")
    assert "邀请" in thief.last.text and thief.menu == []
    await thief.send_text("让我看看进度")
    assert "邀请" in thief.last.text and len(thief.messages) == 2


async def test_student_files_a_log_with_a_photo_edits_it_and_sees_progress(world, engine_name):
    student = await world.person("王小明")
    await student.choose("📝 写成长日志")
    question = student.last
    await student.press("导师见面")
    if engine_name != "dingtalk":  # DingTalk cannot edit a message: its links stay, and are checked as stale
        answered = next(m for m in student.messages if m.message_id == question.message_id)
        assert answered.button_texts() == ["✓ 导师见面"]  # an answered question keeps only what was chosen
    await student.press(callback_data="log:date:yesterday")
    await student.send_text("和李老师讨论了 <课题> & 实验方案")
    assert "已记下" in student.last.text
    await student.press("下一步 ▶")
    await student.send_text("学会了误差分析")
    await student.press("下一步 ▶")
    await student.press("跳过 ▶")
    await student.press("2 小时")
    await student.send_photo(JPEG)
    await student.press("完成，去核对 ▶")
    review = student.last
    assert "和李老师讨论了 <课题> & 实验方案" in review.text  # escaped on the way out, shown as typed
    assert "1 张照片" in review.text
    await student.press("✅ 提交")
    assert any("成长日志已提交" in m.text for m in student.messages[-2:])
    async with world.services.sessions() as session:
        log = (await session.execute(select(GrowthLog))).scalar_one()
        assert log.attachments[0].kind == "photo"
    await student.choose("📚 我的日志")
    await student.press(callback_data=OpenMyLog(log.id).pack())
    assert student.last.kind == "photo"
    await student.press("✏️ 修改")
    await student.press(callback_data="logedit:change")
    await student.press(callback_data="logedit:step:hours")
    await student.send_text("3.5")
    await student.press(callback_data="logedit:submit")
    async with world.services.sessions() as session:
        assert (await session.execute(select(GrowthLog.hours))).scalar_one() == 3.5
    await student.choose("📈 我的进度")
    assert "成长日志：1" in student.last.text.replace(" ", "") or "1 篇" in student.last.text
    assert "0/10" in student.last.text


async def test_the_bot_restarts_in_the_middle_of_a_log_and_the_student_finishes_it(world):
    student = await world.person("孙悦")
    await student.send_command("log")
    await student.press(callback_data="log:kind:lecture")
    await student.press(callback_data="log:date:today")
    await student.send_text("听了量子计算的学术报告")
    await world.restart_bot()
    await student.send_text("报告人讲了量子比特的纠错")
    assert "已记下" in student.last.text
    await student.press("下一步 ▶")
    await student.press("跳过 ▶")
    await student.press("跳过 ▶")
    await student.send_text("2")
    await student.press(callback_data="log:review")
    assert "听了量子计算的学术报告\n报告人讲了量子比特的纠错" in student.last.text
    await student.press("✅ 提交")
    async with world.services.sessions() as session:
        log = (await session.execute(select(GrowthLog))).scalar_one()
    assert log.kind == "lecture" and log.hours == 2
