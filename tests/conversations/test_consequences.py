"""Issue 12, items 1–4: consequences are confirmed first and announced to the people they touch."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import GrowthLog, OutboxMessage, Person
from tests.conftest import at
from tests.helpers import joined, statements


async def notices(services, name: str) -> list[OutboxMessage]:
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == person.id)
                                           .order_by(OutboxMessage.id))).scalars())


async def exited(services, name: str) -> bool:
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return person.exited_at is not None


async def test_a_failed_midterm_is_confirmed_first_then_the_student_and_her_teacher_are_told(engine, services, clock):
    clock.set(at("2026-07-10 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    student = await joined(engine, services, "孙悦", 1002)
    await joined(engine, services, "陈刚", 3002)
    await mentor.send("/evaluate")
    await mentor.press("中期评价")
    await mentor.press("孙悦")
    await mentor.press("不合格")
    await mentor.send("半年中只参加了一次培养。")
    await mentor.send("—")
    await mentor.press("提交")
    assert "退出英才计划" in mentor.last and "孙悦" in mentor.last
    assert not await exited(services, "孙悦"), "nothing happens before the mentor confirms"
    await mentor.press("确认提交")
    assert await exited(services, "孙悦")
    (to_student,) = await notices(services, "孙悦")
    (to_teacher,) = await notices(services, "陈刚")
    assert "中期评价" in to_student.text and "不合格" in to_student.text and "退出" in to_student.text
    assert "孙悦" in to_teacher.text and "李明教授" in to_teacher.text and "退出" in to_teacher.text
    await student.send("/progress")
    assert "已退出" in student.last and "中期评价：不合格" in student.last and "已完成" not in student.last

    await mentor.press("修改某项")  # a reversal is confirmed and announced the same way
    await mentor.press("评价结果")
    await mentor.press("合格")
    assert "恢复" in mentor.last and await exited(services, "孙悦")
    await mentor.press("确认")
    assert not await exited(services, "孙悦")
    assert "恢复" in (await notices(services, "孙悦"))[-1].text
    assert "恢复" in (await notices(services, "陈刚"))[-1].text
    await student.send("/progress")
    assert "已退出" not in student.last and "中期评价：合格" in student.last


async def file_log(student, kind: str) -> None:
    await student.send("/log")
    await student.press(kind)
    await student.press("今天")
    await student.send(f"{kind}：读了第二章并做了笔记")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("2")
    await student.press("去核对")
    await student.press("提交")


async def statuses(services) -> list[str]:
    async with services.sessions() as session:
        return list((await session.execute(select(GrowthLog.status).order_by(GrowthLog.id))).scalars())


async def test_the_teacher_confirms_with_names_stable_numbers_a_question_first_and_an_undo(engine, services, clock):
    teacher = await joined(engine, services, "张丽", 3001)
    wang = await joined(engine, services, "王小明", 1001)
    liu = await joined(engine, services, "刘思源", 1003)
    for student, kind in ((wang, "阅读"), (wang, "研讨"), (liu, "学术报告"), (liu, "阅读")):
        await file_log(student, kind)
    await teacher.send("/confirm")
    await teacher.press("确认 #1")
    assert "王小明" in teacher.last and "11月20日" in teacher.last and "阅读" in teacher.last
    listed = [s.text for s in teacher.screens if "#4" in s.text]
    assert listed and "#4 刘思源" in listed[-1], "the list keeps its numbers after an action"

    await teacher.press("退回 #2")
    assert "王小明" in teacher.last and "研讨" in teacher.last, "the prompt names the log"
    await teacher.send("不行")
    assert "至少" in teacher.said(2)
    await teacher.send("请写清楚讨论了什么问题、你的收获是什么。")
    assert "王小明" in teacher.said(3) and "研讨" in teacher.said(3)
    assert await statuses(services) == ["confirmed", "rejected", "submitted", "submitted"]
    await teacher.press("撤销")
    assert await statuses(services) == ["confirmed", "submitted", "submitted", "submitted"]
    assert [m.status for m in await notices(services, "王小明") if m.kind == "log_rejected"] == ["skipped"]

    await teacher.send("/confirm")
    await teacher.press("全部确认")
    assert "3" in teacher.last and await statuses(services) == ["confirmed"] + ["submitted"] * 3, "asks first"
    await teacher.press("确认全部")
    assert await statuses(services) == ["confirmed"] * 4
    assert "王小明" in teacher.last and "刘思源" in teacher.last
    await teacher.press("撤销")
    assert await statuses(services) == ["confirmed"] + ["submitted"] * 3

    await teacher.send("/confirm")
    await teacher.press("确认 #1")
    clock.advance(timedelta(minutes=10))
    await teacher.press("撤销")
    assert "已超过" in teacher.said(2) and (await statuses(services))[1] == "confirmed"


async def test_a_second_nudge_says_one_was_already_sent_today(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    teacher = await joined(engine, services, "张丽", 3001)
    await joined(engine, services, "王小明", 1001)
    await teacher.send("/school")
    await teacher.press("提醒王小明")
    assert "已" in teacher.last and "王小明" in teacher.last
    first = teacher.last
    await teacher.press("提醒王小明")
    assert teacher.last != first and "今天已经" in teacher.last
    assert len([m for m in await notices(services, "王小明") if m.kind == "nudge"]) == 1


async def test_an_undo_reads_each_log_it_takes_back_once(engine, services, clock, db):
    teacher = await joined(engine, services, "张丽", 3001)
    wang = await joined(engine, services, "王小明", 1001)
    await file_log(wang, "阅读")
    await teacher.send("/confirm")
    await teacher.press("确认 #1")
    with statements(db) as ran:
        await teacher.press("撤销")
    assert await statuses(services) == ["submitted"]
    reads = [s for s in ran if s.lstrip().upper().startswith("SELECT") and "FROM growth_logs" in s]
    assert len(reads) == 1, reads
