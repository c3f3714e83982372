"""A mentor writes a 培养计划, the office returns it with a reason, the mentor revises, the office approves,
the student reads it; nobody else reaches a plan."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEntry, OutboxMessage, Person, TrainingPlan, TrainingPlanVersion
from tests.conftest import at
from tests.helpers import joined, statements


async def told(services, name: str, kind: str) -> list[str]:
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return list((await session.execute(select(OutboxMessage.text).where(
            OutboxMessage.person_id == person.id, OutboxMessage.kind == kind).order_by(OutboxMessage.id))).scalars())


async def write_plan(mentor, sessions: str = "3月 2次，4月 2次，5月 2次，6月 2次，9月 2次") -> None:
    await mentor.send("/plan")
    await mentor.press("✍️ 王小明")
    await mentor.send("掌握大学物理力学基础，完成一个小课题")
    await mentor.send("《费曼物理学讲义》第一卷")
    await mentor.send("单摆大角度摆动的周期测量")
    await mentor.send(sessions)


async def test_a_plan_is_returned_revised_approved_and_read_by_the_student(engine, services, clock):
    clock.set(at("2026-03-02 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    clerk = await joined(engine, services, "王主任", 9001)
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/plan")
    assert "还没有通过审核" in student.last

    await write_plan(mentor, "3月 2次")
    assert "至少" in mentor.said(2) and "10" in mentor.said(2)  # too few sessions: asked again
    await mentor.send("3月 2次，4月 2次，5月 2次，6月 2次，9月 2次")
    assert "请核对" in mentor.last and "费曼" in mentor.last and "共 10 次" in mentor.last
    await mentor.press("发送给管理办公室")
    assert "已发送给项目管理办公室" in mentor.last
    assert any("王小明" in text for text in await told(services, "王主任", "plan_submitted"))

    await clerk.send("/plans")
    assert "等待你审核的培养计划" in clerk.last and "王小明" in clerk.last
    await clerk.press("📄 王小明")
    assert "单摆" in clerk.last and "等待管理办公室审批" in clerk.last
    await clerk.press("退回修改")
    await clerk.send("请把阅读书目具体到章节")
    assert "已把王小明的培养计划退回导师" in clerk.said(2)
    assert "请把阅读书目具体到章节" in (await told(services, "李明教授", "plan_decision"))[-1]

    await mentor.send("/plan")
    assert "已退回修改" in mentor.last
    await mentor.press("✍️ 王小明")
    assert "请把阅读书目具体到章节" in mentor.last
    await mentor.send("掌握大学物理力学基础，完成一个小课题")
    await mentor.send("《费曼物理学讲义》第一卷 第1-10章")
    await mentor.send("单摆大角度摆动的周期测量")
    await mentor.send("3月 2次，4月 2次，5月 2次，6月 2次，9月 2次")
    await mentor.press("发送给管理办公室")

    await clerk.press("📄 王小明")
    assert "版本 2" in clerk.last and "请把阅读书目具体到章节" in clerk.last  # what was asked the first time
    await clerk.press("批准")
    assert "已批准王小明的培养计划" in clerk.last
    await clerk.press("批准")  # a double tap: decided once
    async with services.sessions() as session:
        plan = (await session.execute(select(TrainingPlan))).scalar_one()
        versions = (await session.execute(select(TrainingPlanVersion.status).order_by(
            TrainingPlanVersion.number))).scalars().all()
        decisions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert (plan.status, plan.approved, versions) == ("approved", 2, ["returned", "approved"])
    assert decisions == ["plan_decision", "plan_decision"]
    await student.send("/plan")
    assert "第1-10章" in student.last and "已通过" in student.last
    assert len(await told(services, "王小明", "plan_decision")) == 1


async def test_only_the_students_own_mentor_writes_and_only_the_office_decides(engine, services, clock):
    clock.set(at("2026-03-02 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await write_plan(mentor)
    await mentor.press("发送给管理办公室")
    async with services.sessions() as session:
        plan = (await session.execute(select(TrainingPlan))).scalar_one()
        wang = (await session.execute(select(Person.id).where(Person.name == "王小明"))).scalar_one()
    other = await joined(engine, services, "赵华教授", 2002)
    await other.press(payload=f"mpl:write:{wang}")
    assert "只能查看自己指导的学生" in other.said(2)
    for name, user in (("王小明", 1001), ("李明教授", 2001), ("张丽", 3001)):
        chat = await joined(engine, services, name, user)
        for payload in (f"opl:open:{plan.id}", f"opl:ok:{plan.id}:1", f"opl:back:{plan.id}:1"):
            await chat.press(payload=payload)
            assert "你的身份不能使用这个功能" in chat.last, (name, payload)
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.press(payload="opl:open:99999")
    assert "培养计划不存在" in clerk.said(2)
    await clerk.press(payload=f"opl:ok:{plan.id}:7")  # a version the office never saw
    assert "导师修改了这份计划" in clerk.said(2)
    async with services.sessions() as session:
        assert (await session.execute(select(TrainingPlan.status))).scalar_one() == "submitted"


async def test_both_co_mentors_hear_the_decision(engine, services, clock):
    from storage.models import Supervision

    clock.set(at("2026-03-02 10:00"))
    async with services.sessions() as session, session.begin():
        ids = dict((await session.execute(select(Person.name, Person.id))).all())
        session.add(Supervision(student_id=ids["王小明"], supervisor_id=ids["赵华教授"], relation="mentor"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await write_plan(mentor)
    await mentor.press("发送给管理办公室")
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/plans")
    await clerk.press("📄 王小明")
    await clerk.press("批准")
    for name in ("李明教授", "赵华教授"):
        assert len(await told(services, name, "plan_decision")) == 1, name


async def test_a_mentors_plan_list_costs_the_same_statements_for_one_student_as_for_two(engine, services, clock, db):
    clock.set(at("2026-03-02 10:00"))
    one_student = await joined(engine, services, "赵华教授", 2002)
    two_students = await joined(engine, services, "李明教授", 2001)
    await one_student.send("/plan")
    await two_students.send("/plan")
    with statements(db) as one:
        await one_student.send("/plan")
    with statements(db) as two:
        await two_students.send("/plan")
    assert "刘思源" in one_student.last and "王小明" in two_students.last and "孙悦" in two_students.last
    assert len(two) == len(one), "the plans are read once for the whole list, not once per student"


async def test_every_question_of_a_plan_offers_a_way_back_and_putting_it_aside(engine, services, clock):
    clock.set(at("2026-03-02 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.send("/plan")
    await mentor.press("✍️ 王小明")
    assert mentor.offered == ["✖️ 先搁置"], "the first question has nothing to go back to"
    await mentor.send("掌握大学物理力学基础")
    assert mentor.offered == ["« 上一步", "✖️ 先搁置"]
    await mentor.press("« 上一步")
    assert "掌握大学物理力学基础" in mentor.last and mentor.offered == ["✖️ 先搁置"]


async def test_a_mentor_who_also_works_in_the_office_never_approves_their_own_plan(engine, services, clock):
    from tests.helpers import import_roster

    clock.set(at("2026-03-02 10:00"))
    await import_roster(services, "name,role,school,subject,grade,mentor,teacher\n李明教授,office,山西大学,,,,\n")
    mentor = await joined(engine, services, "李明教授", 2001)
    await write_plan(mentor)
    await mentor.press("发送给管理办公室")
    async with services.sessions() as session:
        plan = (await session.execute(select(TrainingPlan))).scalar_one()

    await mentor.send("/plans")  # the office's list: the plan is there, but not theirs to decide
    await mentor.press("📄 王小明")
    assert "另一位管理办公室成员" in mentor.last and "批准" not in mentor.offered
    for payload in (f"opl:ok:{plan.id}:1", f"opl:back:{plan.id}:1"):
        await mentor.press(payload=payload)
        if "退回" in mentor.last:  # the reason is asked first; the decision itself is refused
            await mentor.send("请把阅读书目具体到章节")
        assert "另一位管理办公室成员" in mentor.last, payload
    async with services.sessions() as session:
        assert (await session.execute(select(TrainingPlan.status))).scalar_one() == "submitted"
        assert (await session.execute(select(AuditEntry))).scalars().all() == []

    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.press(payload=f"opl:ok:{plan.id}:1")
    assert "已批准王小明的培养计划" in clerk.said(2)
