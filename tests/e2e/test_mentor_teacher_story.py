"""The year's heart on Telegram, through each adapter: a session, two logs, a teacher's review, an April evaluation."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import Evaluation
from tests.conftest import at


async def log_the_session(student, topic: str) -> None:
    await student.choose("📝 写成长日志")
    await student.press(next(t for t in student.last.button_texts() if topic in t))
    await student.send_text("和导师讨论了开题报告")
    await student.press("下一步 ▶")
    await student.press("跳过 ▶")
    await student.press("跳过 ▶")
    await student.press("2 小时")
    await student.press("无附件，去核对 ▶")
    await student.press("✅ 提交")


async def test_a_session_is_scheduled_logged_confirmed_and_sent_back(world, clock):
    clock.set(at("2026-11-20 09:00"))
    mentor = await world.person("李明教授")
    wang, sun = await world.person("王小明"), await world.person("孙悦")
    zhang, chen = await world.person("张丽"), await world.person("陈刚")

    await mentor.choose("📅 安排培养")
    await mentor.send_text("11月20日 14:00")
    await mentor.send_text("物理楼 302")
    await mentor.send_text("开题讨论")
    await mentor.press("全选")
    await mentor.press("完成 ▶")
    await mentor.press("📨 安排并通知")
    assert "已安排" in mentor.last.text
    await world.deliver_outbox()
    for student in (wang, sun):
        await student.wait_for(lambda messages: any("开题讨论" in m.text for m in messages))
    await wang.press("✅ 我会参加")
    assert "你的回复：✅ 参加" in wang.last.text

    clock.set(at("2026-11-20 17:00"))
    await log_the_session(wang, "开题讨论")
    await log_the_session(sun, "开题讨论")

    await zhang.choose("✅ 待确认")
    assert "王小明" in zhang.last.text and "孙悦" not in zhang.last.text
    await zhang.press("✅ 确认 #1")
    assert "已确认" in zhang.last.text
    await chen.choose("✅ 待确认")
    await chen.press("↩️ 退回 #1")
    await chen.send_text("请写清楚讨论了哪些问题")
    await world.deliver_outbox()
    await sun.wait_for(lambda messages: any("请写清楚讨论了哪些问题" in m.text for m in messages))
    await wang.wait_for(lambda messages: any("老师确认了" in m.text for m in messages))

    await wang.choose("📈 我的进度")
    assert "已确认培养：1/10" in wang.last.text.replace(" ", "") or "1/10" in wang.last.text
    await sun.choose("📈 我的进度")
    assert "0/10" in sun.last.text


async def test_initial_evaluation_across_a_restart_then_closed(world, clock):
    clock.set(at("2026-04-03 10:00"))
    mentor = await world.person("李明教授")
    await mentor.choose("🧾 评价")
    await mentor.press("初期评价")
    await mentor.press(next(t for t in mentor.last.button_texts() if "王小明" in t))
    await mentor.press("良好")
    await mentor.send_text("每次培养都按时参加。")
    await world.restart_bot()
    await mentor.send_text("石墨烯的电子输运")
    await mentor.send_text("测量样品电阻随温度的变化。")
    await mentor.send_text("完成了文献阅读。")
    await mentor.send_text("基础扎实。")
    assert "请核对" in mentor.last.text or "草稿" in mentor.last.text
    await mentor.press("✅ 提交")
    assert "已提交" in mentor.last.text
    await mentor.press("✏️ 修改某项")
    await mentor.press("评价意见")
    await mentor.send_text("基础扎实，动手能力强。")
    async with world.services.sessions() as session:
        evaluation = (await session.execute(select(Evaluation))).scalar_one()
    assert evaluation.status == "submitted" and evaluation.answers["comments"] == "基础扎实，动手能力强。"

    clock.set(at("2026-04-11 09:00"))
    await mentor.press("✏️ 修改某项")
    assert "已于" in mentor.last.text or "截止" in mentor.last.text
    async with world.services.sessions() as session:
        assert (await session.execute(select(Evaluation.answers))).scalar_one()["comments"] == "基础扎实，动手能力强。"


async def test_a_teacher_nudges_a_student_who_is_behind_and_the_nudge_arrives_once(world):
    teacher, student = await world.person("张丽"), await world.person("王小明")
    await teacher.choose("🏫 我的学校")
    nudge = next(t for t in teacher.last.button_texts() if "王小明" in t)
    await teacher.press(nudge)
    await teacher.press(nudge)  # a second tap the same day changes nothing
    for _ in range(2):
        await world.deliver_outbox()
    await student.wait_for(lambda messages: any("张丽" in m.text and "提醒" in m.text for m in messages))
    assert sum("张丽" in m.text and "提醒" in m.text for m in student.messages) == 1  # the welcome names her too
