"""An office clerk on a phone: a lost invite re-issued with its QR code, a new mentor, a student who left."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from storage.models import AuditEntry, Invite, Person, Supervision
from tests.conftest import at
from tests.helpers import joined


async def person(services, name: str) -> Person:
    async with services.sessions() as session:
        return (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()


async def test_a_lost_invite_is_reissued_with_a_qr_code_that_carries_the_new_link(engine, services, clock):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp reads the QR code back")
    clock.set(at("2026-11-20 10:00"))
    services.bot_username = "yingcai_test_bot"
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/people")
    await clerk.press("山西大学附属中学 (2)")
    await clerk.press("刘思源")
    assert "还没有加入机器人" in clerk.last and "赵华教授" in clerk.last
    await clerk.press("新邀请码")
    wang = await person(services, "刘思源")
    async with services.sessions() as session:
        live = (await session.execute(select(Invite).where(Invite.person_id == wang.id,
                                                           Invite.revoked_at.is_(None)))).scalars().all()
    assert len(live) == 1 and live[0].code in clerk.last
    link = f"https://t.me/yingcai_test_bot?start={live[0].code}"
    photo = clerk.screens[-1].upload
    assert photo is not None and photo.kind == "photo"
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.data)))] == [link]


async def test_a_student_gets_another_mentor_and_then_leaves_the_program(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/people")
    await clerk.press("山西大学附属中学 (2)")
    await clerk.press("王小明")
    await clerk.press("换导师")
    await clerk.press("赵华教授")
    assert "王小明的导师现在是赵华教授" in clerk.last
    await clerk.press("换指导老师")
    assert "陈刚" not in clerk.last  # another school's teacher cannot be chosen
    await clerk.press("已退出")
    await clerk.send("")
    assert "消息是空的" in clerk.said(2)
    await clerk.send("中期评价未通过")
    assert "其记录仍会保留" in clerk.last and "中期评价未通过" in clerk.last
    wang = await person(services, "王小明")
    async with services.sessions() as session:
        mentors = (await session.execute(select(Supervision.supervisor_id).where(
            Supervision.student_id == wang.id, Supervision.relation == "mentor"))).scalars().all()
        actions = (await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars().all()
    assert mentors == [(await person(services, "赵华教授")).id] and wang.exit_reason == "中期评价未通过"
    assert actions == ["move", "leave"]


async def test_nobody_else_reaches_the_roster_and_forged_moves_change_nothing(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    wang, chen = await person(services, "王小明"), await person(services, "陈刚")
    zhao = await person(services, "赵华教授")
    for name, user in (("王小明", 1001), ("李明教授", 2001), ("张丽", 3001)):
        chat = await joined(engine, services, name, user)
        for payload in (f"opp:card:{wang.id}", f"opp:invite:{wang.id}", f"opp:move:{wang.id}:mentor:{zhao.id}",
                        f"opp:leave:{wang.id}", "opp:sheet:1"):
            await chat.press(payload=payload)
            assert "你的身份不能使用这个功能" in chat.last, (name, payload)
    clerk = await joined(engine, services, "王主任", 9001)
    for payload in (f"opp:move:{wang.id}:teacher:{chen.id}",  # a teacher of another school
                    f"opp:move:{wang.id}:mentor:{chen.id}",  # a teacher as mentor
                    f"opp:move:{zhao.id}:mentor:{zhao.id}",  # a mentor as the student
                    f"opp:move:{wang.id}:boss:{zhao.id}", "opp:card:2147483648"):
        await clerk.press(payload=payload)
    async with services.sessions() as session:
        assert (await session.execute(select(AuditEntry))).scalars().all() == []
        links = (await session.execute(select(Supervision.supervisor_id).where(
            Supervision.student_id == wang.id))).scalars().all()
    assert chen.id not in links and zhao.id not in links


async def test_a_new_invite_for_a_lost_phone_signs_the_old_chat_out(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/people")
    await clerk.press("山西大学附属中学 (2)")
    await clerk.press("王小明")
    await clerk.press("新邀请码")
    assert "聊天账号（1 个）已退出" in clerk.last
    await student.send("/progress")  # the lost phone no longer speaks for 王小明
    assert "0/10" not in student.last


async def test_at_year_end_a_student_becomes_alumni_and_still_reads_their_own_logs(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await student.send("读完了《费曼物理学讲义》第一卷。")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.press("1 小时")
    await student.press("无附件")
    await student.press("提交")

    clock.set(at("2026-12-31 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/people")
    await clerk.press("山西大学附属中学 (2)")
    await clerk.press("王小明")
    old_button = clerk.find("标为往届学生").payload
    await clerk.press("标为往届学生")
    assert "王小明已标记为往届学生" in clerk.last and "仍可查看自己的日志" in clerk.last
    await clerk.press(payload=old_button)  # a double tap marks once
    assert "已经" in clerk.last
    wang = await person(services, "王小明")
    assert wang.alumni_at is not None
    async with services.sessions() as session:
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.action == "alumni"))).scalars().all()
    assert [(e.actor, e.target) for e in entries] == [("王主任", "王小明")]

    await student.send("/mylogs")
    await student.press("阅读")
    assert "费曼物理学讲义" in student.last
