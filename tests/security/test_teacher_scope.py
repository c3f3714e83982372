"""Defect 5: a teacher acts on their own students only, and a diary entry ("其他") is the student's alone."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from storage.models import GrowthLog, Person, Supervision
from tests.conftest import at
from tests.helpers import Chat, import_roster, joined, make_engine, make_services

ROSTER = """name,role,school,subject,grade,mentor,teacher
李明教授,mentor,山西大学,物理学,,,
张丽,teacher,山西大学附属中学,,,,
周敏,teacher,山西大学附属中学,,,,
王小明,student,山西大学附属中学,物理学,高一,李明教授,张丽
刘洋,student,山西大学附属中学,物理学,高一,李明教授,张丽
"""
NOT_FOUND = "找不到"
DIARY = "我的私人日记：最近和父母吵架了"


@pytest.fixture
async def school(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    await import_roster(services, ROSTER)
    async with services.sessions() as session, session.begin():  # 刘洋's teacher left: nobody is assigned now
        liu = (await session.execute(select(Person).where(Person.name == "刘洋"))).unique().scalar_one()
        await session.execute(delete(Supervision).where(Supervision.student_id == liu.id,
                                                        Supervision.relation == "teacher"))
    return make_engine(services), services


async def file(student: Chat, kind: str = "阅读", did: str = "读了一章") -> int:
    await student.send("/log")
    await student.press(kind)
    await student.press("今天")
    await student.send(did)
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.press("去核对")
    await student.press("提交")
    async with student.engine.services.sessions() as session:
        return (await session.execute(select(GrowthLog.id).order_by(GrowthLog.id.desc()))).scalars().first()


def shown(screens: list) -> str:
    return "\n".join(s.text for s in screens)


async def status(services, log_id: int) -> str:  # noqa: ANN001
    async with services.sessions() as session:
        return (await session.get(GrowthLog, log_id)).status


async def test_a_teacher_confirms_only_their_own_and_unassigned_students(school):
    engine, services = school
    wang, liu = await joined(engine, services, "王小明", 1001), await joined(engine, services, "刘洋", 1002)
    zhang, zhou = await joined(engine, services, "张丽", 3001), await joined(engine, services, "周敏", 3002)
    wangs, lius = await file(wang), await file(liu)
    listed = shown(await zhou.send("/confirm"))
    assert "刘洋" in listed and "王小明" not in listed, listed  # 刘洋 has no teacher: shared by the school
    listed = shown(await zhang.send("/confirm"))
    assert "刘洋" in listed and "王小明" in listed, listed
    for payload in (f"tch:ok:{wangs}:9999999999", f"tch:all:9999999999:{wangs}"):
        await zhou.press(payload=payload)  # forged: 王小明 is 张丽's student
    assert await status(services, wangs) == "submitted"
    assert NOT_FOUND in shown(await zhou.press(payload=f"tch:see:{wangs}"))
    assert NOT_FOUND in shown(await zhou.press(payload=f"tch:no:{wangs}"))
    await zhou.press(payload=f"tch:see:{lius}")
    await zhou.press("✅ 确认")
    assert await status(services, lius) == "confirmed"


async def test_a_diary_entry_is_never_shown_to_a_teacher_or_a_mentor(school):
    engine, services = school
    wang = await joined(engine, services, "王小明", 1001)
    zhang, li = await joined(engine, services, "张丽", 3001), await joined(engine, services, "李明教授", 2001)
    diary = await file(wang, "其他", DIARY)
    reading = await file(wang)
    seen = [await zhang.send("/confirm"), await zhang.press(payload=f"tch:see:{diary}"),
            await zhang.press(payload=f"tch:ok:{diary}:9999999999"), await li.send("/students"),
            await li.press(payload=f"mst:logs:{(await person_id(services, '王小明'))}:0"),
            await li.press(payload=f"mst:log:{diary}")]
    assert not [s for s in seen if DIARY in shown(s)], [shown(s) for s in seen]
    listed = [b.payload for screens in seen for s in screens for row in s.buttons for b in row]
    assert f"mst:log:{diary}" not in listed and f"mst:log:{reading}" in listed  # not even its date and kind
    assert NOT_FOUND in shown(seen[1]) and NOT_FOUND in shown(seen[5])
    assert await status(services, diary) == "submitted"
    assert "读了一章" in shown(await li.press(payload=f"mst:log:{reading}"))  # a training activity is shared
    assert DIARY in shown(await wang.press(payload=f"mylogs:open:{diary}:0"))  # and the student reads their own


async def person_id(services, name: str) -> int:  # noqa: ANN001
    async with services.sessions() as session:
        return (await session.execute(select(Person.id).where(Person.name == name))).scalar_one()


async def test_a_diary_entry_is_not_even_counted_in_what_the_mentor_and_the_teacher_read(school, clock):
    """Not its text, and not its date either: the student's line reads as if no log had been filed."""
    engine, services = school
    wang = await joined(engine, services, "王小明", 1001)
    zhang, li = await joined(engine, services, "张丽", 3001), await joined(engine, services, "李明教授", 2001)
    clock.set(at("2026-11-18 10:00"))
    await file(wang, "其他", DIARY)
    clock.set(at("2026-11-20 10:00"))
    school_view, students = shown(await zhang.send("/school")), shown(await li.send("/students"))
    assert "王小明：已确认 0/10 · 最近日志 还没有日志" in school_view, school_view
    assert "本月日志 0 篇 · 最近活动 —" in students, students



async def test_a_forged_confirm_all_mixing_in_another_teachers_log_confirms_nothing_and_claims_no_edit(school):
    """周敏's list holds 刘洋's two logs; a forged “确认全部” adds 王小明's (张丽's) with no list's stamp."""
    engine, services = school
    wang, liu = await joined(engine, services, "王小明", 1001), await joined(engine, services, "刘洋", 1002)
    zhou = await joined(engine, services, "周敏", 3002)
    logs = [await file(wang), await file(liu), await file(liu, did="读了第二章")]
    await zhou.send("/confirm")
    ids = zhou.find("全部确认").payload.split(":")[-1]
    assert ids == f"{logs[1]}.{logs[2]}", ids
    for action in ("allsure", "all"):  # “确认全部” itself, and the question before it
        said = shown(await zhou.press(payload=f"tch:{action}:9999999999:{ids}.{logs[0]}"))
        assert [await status(services, log) for log in logs] == ["submitted"] * 3
        assert "修改" not in said and "已确认 0 条" not in said, said  # nobody edited anything
        assert "没有确认任何日志" in said and "刘洋" in said and "王小明" not in said, said
