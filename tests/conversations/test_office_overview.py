"""An office clerk on a phone: the overview with its chart, the names behind each count, a nudge, a reopen."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import AuditEntry, GrowthLog, OutboxMessage, Person, WindowOverride
from tests.conftest import at
from tests.helpers import joined, statements


async def outbox_for(services, name: str) -> list[OutboxMessage]:
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == person.id)
                                           .order_by(OutboxMessage.id))).scalars())


async def test_the_office_opens_the_names_behind_the_counts_and_nudges_one_student(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    screens = await clerk.send("/overview")
    photo = next(s for s in screens if s.upload is not None)
    assert photo.upload.kind == "photo" and photo.upload.data.startswith(b"\x89PNG")
    assert "项目概况" in screens[-1].text

    await clerk.press("进度落后：3 人")
    assert "王小明：0/10" in clerk.last and "孙悦：0/10" in clerk.last
    await clerk.press("🔔 王小明")
    assert "王小明" in clerk.last and "提醒" in clerk.last
    await clerk.press("🔔 王小明")  # a second tap the same day: still one reminder
    nudges = [m for m in await outbox_for(services, "王小明") if m.kind == "nudge"]
    assert len(nudges) == 1 and "项目管理办公室" in nudges[0].text and "0/10" not in nudges[0].text


async def test_the_office_reopens_a_window_for_one_mentor_who_is_told(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/overview")
    await clerk.press("初期评价未交：2 位导师")
    assert "李明教授：2 人（王小明、孙悦）" in clerk.last
    await clerk.press("🔓 为李明教授重新开放")
    await clerk.press("11月27日")
    assert "已为李明教授重新开放初期评价" in clerk.last
    async with services.sessions() as session:
        override = (await session.execute(select(WindowOverride))).scalar_one()
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert (override.opens, override.closes) == (date(2026, 11, 20), date(2026, 11, 27))
    assert (entry.action, entry.actor, entry.target) == ("reopen", "王主任", "李明教授")
    told = [m for m in await outbox_for(services, "李明教授") if m.kind == "reopened"]
    assert len(told) == 1 and "11月27日" in told[0].text


async def test_nobody_but_the_office_reaches_any_of_it_and_forged_ids_tell_nothing(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    mentor = await joined(engine, services, "李明教授", 2001)
    teacher = await joined(engine, services, "张丽", 3001)
    for chat in (student, mentor, teacher):
        for payload in ("ow:behind", "ow:owing:initial", "ow:ns:6", "ow:nm:2:initial", "ow:until:2:initial:7",
                        "office:history:0:1"):
            await chat.press(payload=payload)
            assert "你的身份不能使用这个功能" in chat.last, (payload, chat.last)
    async with services.sessions() as session:
        assert not (await session.execute(select(WindowOverride))).scalars().all()
    clerk = await joined(engine, services, "王主任", 9001)
    for payload in ("ow:ns:2", "ow:ns:999999", "ow:nm:6:initial", "ow:until:2:initial:400", "ow:ns:99999999999"):
        await clerk.press(payload=payload)  # a mentor's id as a student, an unknown id, a day count no button offers
        assert "提醒" not in clerk.last and "重新开放" not in clerk.last, (payload, clerk.last)
    assert not [m for m in await outbox_for(services, "李明教授") if m.kind in ("nudge", "reopened")]


async def test_a_mentor_owing_evaluations_is_nudged_with_the_names_of_the_students(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/overview")
    await clerk.press("初期评价未交：2 位导师")
    await clerk.press("🔔 赵华教授")
    assert "已安排提醒赵华教授" in clerk.last
    [nudge] = [m for m in await outbox_for(services, "赵华教授") if m.kind == "nudge"]
    assert "刘思源" in nudge.text and "初期评价" in nudge.text
    assert nudge.buttons and nudge.buttons[0][0][1] == "ev:kind:initial"


async def test_the_evaluation_history_leaves_out_drafts_unless_asked(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/overview")
    await clerk.press("评价修改记录")
    assert "不列出" in clerk.last and "第 1/1 页" in clerk.last
    await clerk.press("连草稿一起看")
    assert "含导师填写中的草稿" in clerk.last


async def test_a_nudge_reads_only_that_students_logs_not_the_whole_program(engine, services, clock, db):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/overview")
    await clerk.press("进度落后：3 人")
    with statements(db) as ran:
        await clerk.press("🔔 王小明")
    assert "王小明" in clerk.last and "提醒" in clerk.last
    reads = [s for s in ran if s.lstrip().upper().startswith("SELECT") and "conversation_states" not in s]
    assert len(reads) <= 4, reads  # the student (with their roles), their logs this year, their language


async def test_a_diary_entry_is_not_counted_in_the_offices_totals(engine, services, clock):
    """孙悦, the only student of 山西省实验中学, wrote only a diary entry (“其他”): hers alone, no log to the office."""
    clock.set(at("2026-11-20 10:00"))
    sun = await joined(engine, services, "孙悦", 1003)
    await sun.send("/log")
    await sun.press("其他")
    await sun.press("今天")
    await sun.send("我的私人日记：最近有点累")
    await sun.press("下一步")
    await sun.press("跳过")
    await sun.press("跳过")
    await sun.send("1")
    await sun.press("去核对")
    await sun.press("提交")
    async with services.sessions() as session:
        assert (await session.execute(select(GrowthLog.kind))).scalars().all() == ["other"], "the entry is stored"
    clerk = await joined(engine, services, "王主任", 9001)
    text = (await clerk.send("/overview"))[-1].text
    assert "• 山西省实验中学：学生 1 人 · 日志 0 篇" in text, text
    assert "• 物理学：学生 2 人 · 日志 0 篇" in text and "成长日志 0 篇" in text and "0/0 篇" in text, text
