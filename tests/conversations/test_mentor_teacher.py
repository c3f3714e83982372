"""Mentors schedule sessions and evaluate; teachers confirm or send back; nobody reaches what is not theirs."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from handlers.views.links import EditLog
from storage import evaluations
from storage.models import Evaluation, EvaluationChange, GrowthLog, OutboxMessage, Person, SessionInvitee
from tests.conftest import at
from tests.helpers import joined


async def outbox_for(services, name: str) -> list[OutboxMessage]:
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == person.id)
                                           .order_by(OutboxMessage.id))).scalars())


async def file_simple_log(student, *, session_button: str | None = None, kind: str = "导师见面") -> None:
    await student.send("/log")
    if session_button:
        await student.press(session_button)
    else:
        await student.press(kind)
        await student.press("今天")
    await student.send("参加了导师组织的讨论")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("2")
    await student.press("去核对")
    await student.press("提交")


async def test_schedule_log_confirm_and_reject(engine, services, clock):
    clock.set(at("2026-11-20 09:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    student_a = await joined(engine, services, "王小明", 1001)
    student_b = await joined(engine, services, "孙悦", 1002)
    teacher_a = await joined(engine, services, "张丽", 3001)
    teacher_b = await joined(engine, services, "陈刚", 3002)

    await mentor.send("/schedule")
    await mentor.send("11月20日 15:00")
    await mentor.send("物理楼 302")
    await mentor.send("课题开题讨论")
    await mentor.press("全选")
    await mentor.press("完成")
    assert "王小明" in mentor.last and "孙悦" in mentor.last
    await mentor.press("安排并通知")
    invite = (await outbox_for(services, "王小明"))[0]
    assert "课题开题讨论" in invite.text and invite.buttons[0][0][1].startswith("rsvp:yes:")
    await student_a.press(payload=invite.buttons[0][0][1])
    assert "你会参加" in student_a.last or "参加" in student_a.last

    clock.set(at("2026-11-20 18:00"))
    for student in (student_a, student_b):
        await file_simple_log(student, session_button="课题开题讨论")
    async with services.sessions() as session:
        logs = (await session.execute(select(GrowthLog).order_by(GrowthLog.id))).scalars().all()
    assert [log.session_id for log in logs] == [1, 1]

    # Each teacher sees only their own school's log.
    await teacher_a.send("/confirm")
    assert "王小明" in teacher_a.last and "孙悦" not in teacher_a.last
    await teacher_b.press(payload=f"tch:ok:{logs[0].id}:9999999999")  # 陈刚 forges 王小明's log id
    assert "不是你学校" in teacher_b.said(2) or "未找到" in teacher_b.said(2) or "找不到" in teacher_b.said(2)
    await teacher_a.press("✅ 确认 #1")
    await teacher_a.press(payload=f"tch:ok:{logs[0].id}:1")  # twice (the version it had): refused, counted once
    assert "已经审核" in teacher_a.said(2) or "已处理" in teacher_a.said(2) or "已审" in teacher_a.said(2)
    await teacher_b.send("/confirm")
    await teacher_b.press("↩️ 退回 #1")
    await teacher_b.send("请补充讨论的具体内容")

    await student_a.send("/progress")
    assert "1/10" in student_a.last
    await student_b.send("/progress")
    assert "0/10" in student_b.last
    rejected = (await outbox_for(services, "孙悦"))[-1]
    assert "请补充讨论的具体内容" in rejected.text
    confirmed = (await outbox_for(services, "王小明"))[-1]
    assert "1/10" in confirmed.text

    # The sent-back log is fixed and goes back to the teacher; a confirmed one is frozen.
    await student_b.press(payload=EditLog(logs[1].id).pack())
    await student_b.press(payload="logedit:change")
    await student_b.press(payload="logedit:step:did")
    await student_b.press("清空重写")
    await student_b.send("讨论了开题报告的研究问题和实验安排")
    await student_b.press("下一步")
    await student_b.press("保存修改")
    async with services.sessions() as session:
        fixed = await session.get(GrowthLog, logs[1].id)
        assert fixed.status == "submitted" and fixed.did.startswith("讨论了开题报告"), student_b.said(6)
    await student_a.press(payload=EditLog(logs[0].id).pack())
    assert "已确认" in student_a.last and "不能" in student_a.last


async def test_a_session_logged_twice_counts_once(engine, services, clock):
    student = await joined(engine, services, "王小明", 1001)
    teacher = await joined(engine, services, "张丽", 3001)
    await file_simple_log(student)
    await file_simple_log(student)
    await teacher.send("/confirm")
    await teacher.press("全部确认")
    await teacher.press("确认全部")  # confirming several at once is asked first
    await student.send("/progress")
    assert "1/10" in student.last


async def test_people_cannot_reach_what_is_not_theirs(engine, services):
    student_a = await joined(engine, services, "王小明", 1001)
    student_b = await joined(engine, services, "刘思源", 1002)
    mentor_zhao = await joined(engine, services, "赵华教授", 2002)
    await file_simple_log(student_a)
    async with services.sessions() as session:
        log = (await session.execute(select(GrowthLog))).scalar_one()
        wang = (await session.execute(select(Person).where(Person.name == "王小明"))).unique().scalar_one()
    for payload in (f"mylogs:open:{log.id}", EditLog(log.id).pack(), f"mylogs:copy:{log.id}"):
        await student_b.press(payload=payload)
        assert "参加了导师组织的讨论" not in student_b.said(2)
        assert "找不到" in student_b.said(2)
    await mentor_zhao.press(payload=f"mst:logs:{wang.id}:0")  # 王小明's mentor is 李明, not 赵华
    await mentor_zhao.press(payload=f"mst:log:{log.id}")
    await mentor_zhao.press(payload=f"ev:open:initial:{wang.id}")
    assert "参加了导师组织的讨论" not in mentor_zhao.said(6)
    await student_a.press(payload="tch:ok:1:9999999999")  # a student pressing a teacher's button
    await student_a.press(payload="log:kind:reading:extra:parts")
    await student_a.press(payload="nonsense")
    async with services.sessions() as session:
        assert (await session.get(GrowthLog, log.id)).status == "submitted"


async def test_initial_evaluation_in_april_is_saved_edited_and_closed(engine, services, clock):
    clock.set(at("2026-04-03 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.send("/evaluate")
    assert "开放中" in mentor.last
    await mentor.press("初期评价")
    await mentor.press("王小明")
    assert "王小明" in mentor.screens[-2].text  # the January–March context comes first
    await mentor.press("良好")
    await mentor.send("按计划参加培养，积极主动。")
    await mentor.send("二维材料中的电子输运")
    await mentor.send("研究石墨烯样品的电阻随温度的变化。")
    await mentor.press("存草稿")
    async with services.sessions() as session:
        draft = (await session.execute(select(Evaluation))).scalar_one()
    assert draft.status == "draft" and draft.answers["topic"] == "二维材料中的电子输运"
    await mentor.send("/evaluate")
    await mentor.press("初期评价")
    await mentor.press("王小明")
    await mentor.send("完成了文献阅读和样品制备的学习。")
    await mentor.send("基础扎实，建议加强实验记录。")
    await mentor.press("提交")
    assert "已提交" in mentor.last
    await mentor.press("修改")
    await mentor.press("课题选题")
    await mentor.send("石墨烯中的电子输运")
    clock.set(at("2026-04-11 09:00"))
    await mentor.send("/evaluate")
    await mentor.press("初期评价")
    await mentor.press("王小明")
    assert "不能再修改" in mentor.last or "已截止" in mentor.said(2)
    async with services.sessions() as session:
        evaluation = (await session.execute(select(Evaluation))).scalar_one()
        history = (await session.execute(select(EvaluationChange).order_by(EvaluationChange.id))).scalars().all()
    assert evaluation.status == "submitted" and evaluation.answers["topic"] == "石墨烯中的电子输运"
    assert [h.action for h in history].count("submit") == 1
    changes = [(h.field, h.old_value, h.new_value) for h in history]
    assert ("topic", "二维材料中的电子输运", "石墨烯中的电子输运") in changes

    # The office reopens the window for this mentor only: the change goes through again.
    async with services.sessions() as session, session.begin():
        mentor_id = (await session.execute(select(Person.id).where(Person.name == "李明教授"))).scalar_one()
        await evaluations.reopen(session, mentor_id=mentor_id, window="initial_evaluation", year=2026,
                                 opens=date(2026, 4, 11), closes=date(2026, 4, 15), now=clock.now())
    await mentor.send("/evaluate")
    await mentor.press("初期评价")
    await mentor.press("王小明")
    await mentor.press("修改某项")
    await mentor.press("评价意见")
    await mentor.send("基础扎实，动手能力强。")
    async with services.sessions() as session:
        assert (await session.execute(select(Evaluation.answers))).scalar_one()["comments"] == "基础扎实，动手能力强。"


async def test_midterm_fail_means_leaving_the_program(engine, services, clock):
    clock.set(at("2026-07-10 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    student = await joined(engine, services, "孙悦", 1002)
    await mentor.send("/evaluate")
    await mentor.press("中期评价")
    await mentor.press("孙悦")
    await mentor.press("不合格")
    await mentor.send("半年中只参加了一次培养。")
    await mentor.send("—")
    await mentor.press("提交")
    await mentor.press("确认提交")  # the consequence is stated first
    await student.send("/log")
    assert "退出" in student.last
    async with services.sessions() as session:
        sun = (await session.execute(select(Person).where(Person.name == "孙悦"))).unique().scalar_one()
    assert sun.exited_at is not None


async def test_rsvp_only_for_invited_students(engine, services, clock):
    mentor = await joined(engine, services, "李明教授", 2001)
    outsider = await joined(engine, services, "刘思源", 1003)
    await mentor.send("/schedule")
    await mentor.send("明天 10:00")
    await mentor.send("图书馆")
    await mentor.send("读书会")
    await mentor.press("王小明")
    await mentor.press("完成")
    await mentor.press("安排并通知")
    await outsider.press(payload="rsvp:yes:1")
    assert "找不到" in outsider.said(2)
    async with services.sessions() as session:
        assert [i.student_id for i in (await session.execute(select(SessionInvitee))).scalars()] != []
        assert all(i.attending is None for i in (await session.execute(select(SessionInvitee))).scalars())
    clock.advance(timedelta(days=2))


async def test_the_office_sees_the_overview_and_nobody_else_does(engine, services):
    office = await joined(engine, services, "王主任", 4001)
    student = await joined(engine, services, "王小明", 1001)
    await file_simple_log(student)
    await office.send("📊 项目概况")
    assert "在培学生 3 人" in office.last and "待老师确认 1 篇" in office.last
    assert "山西大学附属中学：学生 2 人 · 日志 1 篇" in office.last
    assert "初期 0/3" in office.last
    await student.send("/overview")
    assert "项目概况" not in student.said(2)


async def test_an_old_evaluation_button_never_writes_into_another_students_evaluation(engine, services, clock):
    clock.set(at("2026-07-10 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.send("/evaluate")
    await mentor.press("中期评价")
    await mentor.press("王小明")
    fail_for_wang = mentor.find("不合格").payload
    await mentor.send("/evaluate")
    await mentor.press("中期评价")
    await mentor.press("孙悦")
    await mentor.press(payload=fail_for_wang)  # a tap on the older message about 王小明
    assert "之前消息" in mentor.said(2)
    await mentor.press("合格")
    async with services.sessions() as session:
        answers = {e.student_id: e.answers for e in (await session.execute(select(Evaluation))).scalars()}
    assert sorted(a.get("result") for a in answers.values() if a) == ["pass"]


async def test_changing_a_submitted_midterm_result_takes_effect(engine, services, clock):
    clock.set(at("2026-07-10 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.send("/evaluate")
    await mentor.press("中期评价")
    await mentor.press("孙悦")
    await mentor.press("合格")
    await mentor.send("进展顺利。")
    await mentor.send("完成课题实验。")
    await mentor.press("提交")
    await mentor.press("修改某项")
    await mentor.press("结果")
    await mentor.press("不合格")
    await mentor.press("确认修改")
    async with services.sessions() as session:
        sun = (await session.execute(select(Person).where(Person.name == "孙悦"))).unique().scalar_one()
    assert sun.exited_at is not None


async def test_a_teacher_never_confirms_text_they_were_not_shown(engine, services, clock):
    student = await joined(engine, services, "王小明", 1001)
    teacher = await joined(engine, services, "张丽", 3001)
    await file_simple_log(student)
    await file_simple_log(student, kind="阅读")
    await teacher.send("/confirm")
    one, every = teacher.find("确认 #1").payload, teacher.find("全部确认").payload
    clock.advance(timedelta(minutes=5))
    async with services.sessions() as session:
        log_id = (await session.execute(select(GrowthLog.id).order_by(GrowthLog.id))).scalars().first()
    await student.press(payload=EditLog(log_id).pack())
    await student.press("修改某项")
    await student.press("做了什么")
    await student.press("清空重写")
    await student.send("改成了别的内容")
    await student.press("下一步")
    await student.press("保存修改")
    for payload in (one, every):
        await teacher.press(payload=payload)
        assert "学生在你打开列表之后修改了这篇日志" in teacher.last
    async with services.sessions() as session:
        assert (await session.get(GrowthLog, log_id)).status == "submitted"
    await teacher.press("确认 #1")  # from the refreshed list, showing the new text
    async with services.sessions() as session:
        assert (await session.get(GrowthLog, log_id)).status == "confirmed"


async def test_the_office_reads_who_changed_which_evaluation_and_when(engine, services, clock):
    clock.set(at("2026-04-03 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    office = await joined(engine, services, "王主任", 4001)
    await mentor.send("/evaluate")
    await mentor.press("初期评价")
    await mentor.press("王小明")
    await mentor.press("良好")
    await mentor.press("« 上一步")
    await mentor.press("优秀")
    await office.send("/overview")
    await office.press("评价修改记录")
    assert "良好" not in office.last  # a mentor's drafting is their own until submitted
    await office.press("连草稿一起看")
    assert "李明教授修改了王小明的初期评价：培养状态 “良好” → “优秀”" in office.last
    assert "李明教授修改了王小明的初期评价：培养状态 “—” → “良好”" in office.last
    await mentor.press(payload="office:history:0")
    assert "评价修改记录" not in mentor.said(2)


async def test_co_mentors_both_see_and_evaluate_their_shared_student(engine, services, clock):
    from tests.helpers import import_roster

    await import_roster(services, "name,role,school,subject,grade,mentor,teacher\n"
                                  "李明教授,mentor,山西大学,物理学,,,\n赵华教授,mentor,山西大学,数学,,,\n"
                                  "张丽,teacher,山西大学附属中学,,,,\n"
                                  "王小明,student,山西大学附属中学,物理学,高一,李明教授；赵华教授,张丽\n")
    clock.set(at("2026-04-03 10:00"))
    for name, user in (("李明教授", 2001), ("赵华教授", 2002)):
        mentor = await joined(engine, services, name, user)
        await mentor.send("/students")
        assert "王小明" in mentor.last
    await mentor.send("/evaluate")
    await mentor.press("初期评价")
    await mentor.press("王小明")
    assert "培养状态" in mentor.last
