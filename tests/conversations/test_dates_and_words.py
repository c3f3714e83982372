"""Issue 12, items 5, 6, 7, 10 and 12: dates, times, hours and words that used to mislead."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import GrowthLog, TrainingSession
from tests.conftest import at
from tests.helpers import joined


async def finish_log(student, *, hours: str = "2", submit: str = "提交") -> None:
    await student.send("读了《费曼物理学讲义》第一章")
    await student.press("下一步" if student.language.startswith("zh") else "Next")
    for _ in range(2):
        await student.press("跳过" if student.language.startswith("zh") else "Skip")
    await student.send(hours)
    await student.press("去核对" if student.language.startswith("zh") else "review")
    await student.press(submit)


async def logged_dates(services) -> list[date]:
    async with services.sessions() as session:
        return list((await session.execute(select(GrowthLog.activity_date).order_by(GrowthLog.id))).scalars())


async def test_a_date_without_a_year_means_this_year_and_is_said_back(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("其他日期")
    await student.send("12月25日")  # was stored as 2025-12-25 without a word
    assert "2026年12月25日" in student.said(2) and "还没到" in student.said(2)
    assert "活动是哪一天" in student.last or "请输入日期" in student.last
    await student.send("11月25日")
    assert "📅 日期：2026年11月25日（周三）" in student.said(2)
    await finish_log(student)
    assert await logged_dates(services) == [date(2026, 11, 25)]


async def test_a_date_outside_the_training_year_is_never_accepted(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("其他日期")
    await student.send("2025-12-25")
    assert "不在本年度的培养期" in student.said(2) and "2026年1月1日" in student.said(2)
    await student.send("/cancel")
    clock.set(at("2027-01-01 09:00"))
    await student.send("/log")
    await student.press("🆕")
    await student.press("阅读")
    await student.press("昨天")  # 31 December belongs to the year that ended
    assert "不在本年度的培养期" in student.said(2)
    assert await logged_dates(services) == []


async def test_english_dates_are_understood_and_the_example_is_english(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    student = await joined(engine, services, "王小明", 1001, language="en")
    await student.send("/log")
    await student.press("Reading")
    await student.press("Another date")
    assert "Nov 28" in student.last and "11月" not in student.last
    await student.send("Nov 25")
    assert "📅 Date: Wed 25 Nov 2026" in student.said(2)
    await student.press("« Back")
    await student.press("Another date")
    await student.send("25 November")
    assert "Wed 25 Nov 2026" in student.said(2)
    await student.send("读了一章")
    await student.press("Next")
    await student.press("Skip")
    await student.press("Skip")
    await student.send("2")
    await student.press("review")
    await student.press("Submit")
    assert await logged_dates(services) == [date(2026, 11, 25)]


async def test_my_logs_show_the_year_of_a_log_from_another_year(engine, services, clock):
    clock.set(at("2026-12-30 20:00"))
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await finish_log(student)
    clock.set(at("2027-01-05 20:00"))
    await student.send("/mylogs")
    assert "2026年12月30日" in " ".join(b.label for row in student.screens[-1].buttons for b in row)


async def test_closed_evaluation_windows_do_not_read_as_not_started(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    mentor = await joined(engine, services, "李明教授", 2001)
    await student.send("/progress")
    assert "未开始" not in student.last
    assert student.last.count("未提交（已截止）") == 3
    await mentor.send("/students")
    assert "当前评价" not in mentor.last and "本年度的评价均已截止" in mentor.last

    clock.set(at("2026-07-10 10:00"))
    await student.send("/progress")
    assert "初期评价：未提交（已截止）" in student.last
    assert "中期评价：导师尚未填写，7月31日（周五）截止" in student.last
    assert "年度导师评价：11月1日（周日）开始" in student.last
    await mentor.send("/students")
    assert "中期评价填写中，7月31日（周五）截止" in mentor.last


async def test_help_is_written_for_each_role(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    mentor = await joined(engine, services, "李明教授", 2001)
    teacher = await joined(engine, services, "张丽", 3001)
    office = await joined(engine, services, "王主任", 4001)
    await student.send("/help")
    assert "日志草稿会保留" in student.last and "老师或管理办公室" in student.last
    for staff in (mentor, teacher, office):
        await staff.send("/help")
        assert "/cancel" in staff.last and "日志草稿" not in staff.last and "老师或" not in staff.last
    assert "管理办公室" in mentor.last and "管理办公室" in teacher.last
    assert "咨询" not in office.last and "yingcai" in office.last


async def schedule_when(mentor, typed: str) -> str:
    await mentor.send("/schedule")
    await mentor.send(typed)
    return mentor.said(2)


async def test_sessions_take_common_chinese_and_english_time_phrases_and_say_them_back(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))  # a Tuesday
    mentor = await joined(engine, services, "李明教授", 2001)
    assert "12月9日（周三）15:00" in await schedule_when(mentor, "下周三下午3点")
    assert "地点" in mentor.last or "哪里" in mentor.last
    await mentor.send("/cancel")
    assert "12月5日（周六）15:00" in await schedule_when(mentor, "12月5日 下午3点")
    await mentor.send("/cancel")
    assert "12月5日（周六）15:00–17:00" in await schedule_when(mentor, "12月5日 下午3点到5点")
    await mentor.send("物理楼 302")
    await mentor.send("开题讨论")
    await mentor.press("全选")
    await mentor.press("完成")
    await mentor.press("安排并通知")
    async with services.sessions() as session:
        found = (await session.execute(select(TrainingSession))).scalar_one()
    assert found.starts_at == at("2026-12-05 15:00") and found.ends_at == at("2026-12-05 17:00")

    english = await joined(engine, services, "赵华教授", 2002, language="en")
    await english.send("/schedule")
    assert "next Wednesday 3pm" in english.last and "明天" not in english.last
    await english.send("next Wednesday 3pm")
    assert "Wed 9 Dec, 15:00" in english.said(2)
    await english.send("/cancel")
    assert "Sat 5 Dec, 15:00–17:00" in await schedule_when(english, "Dec 5 3pm-5pm")


async def test_hours_said_in_words(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await student.send("读了一章")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("两个半小时")
    await student.press("去核对")
    assert "时长：2.5 小时" in student.last
