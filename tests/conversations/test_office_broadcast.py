"""An office clerk sends a notice to one school and an event to the students, from a phone; only the office can."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEntry, Broadcast, BroadcastRecipient, ConversationState, OutboxMessage, Person
from tests.conftest import at
from tests.helpers import joined


async def copies(services, name: str) -> list[OutboxMessage]:
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.person_id == person.id, OutboxMessage.kind == "broadcast"))).scalars())


async def test_a_notice_to_one_school_is_previewed_counted_sent_once_and_reported(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    await joined(engine, services, "王小明", 1001)
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/broadcast")
    await clerk.press("按学校")
    await clerk.press("山西大学附属中学 (2)")
    await clerk.press("📢 通知")
    await clerk.send("")  # an empty message is asked again
    assert "消息是空的" in clerk.said(2) and "请用一条消息写下内容" in clerk.last
    await clerk.send("字" * 3001)
    assert "3001" in clerk.said(2) and "3000" in clerk.said(2)
    await clerk.send("周六 9:00 在山大物理楼开营，<请带学生证>")
    assert "&lt;请带学生证&gt;" in clerk.said(2) and "预览" in clerk.said(2)
    assert "共 3 人" in clerk.last  # 张丽 and the two students of the school
    await clerk.press("发送给 3 人")
    assert "已安排发送给 3 人" in clerk.last
    await clerk.press(payload=clerk.find("发送给 3 人").payload)  # a double tap
    for name in ("王小明", "刘思源", "张丽"):
        assert len(await copies(services, name)) == 1, name
    assert await copies(services, "孙悦") == [] and await copies(services, "李明教授") == []

    await clerk.press("送达情况")
    assert "共 3 人" in clerk.last and "排队中 1" in clerk.last and "未加入 2" in clerk.last
    assert "刘思源" in clerk.last and "张丽" in clerk.last
    async with services.sessions() as session:
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert (entry.action, entry.actor, entry.target) == ("broadcast", "王主任", "school:山西大学附属中学")


async def test_an_event_for_the_students_collects_answers_the_office_can_read(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/broadcast")
    await clerk.press("按身份")
    await clerk.press("学生")
    await clerk.press("📅 活动")
    await clerk.send("量子霍尔效应专题报告")
    await clerk.send("2026-11-19 14:00")
    assert "已经过去" in clerk.said(2)
    await clerk.send("12月5日 14:00")
    await clerk.send("物理楼 101")
    assert "12月5日" in clerk.said(2) and "物理楼 101" in clerk.said(2) and "共 3 人" in clerk.last
    await clerk.press("发送给 3 人")
    [copy] = await copies(services, "王小明")
    yes = next(payload for row in copy.buttons for label, payload in row if "参加" in label and "不" not in label)
    await student.press(payload=yes)
    assert "你已回复会参加" in student.last or "参加" in student.last
    await clerk.press("送达情况")
    assert "参加（1 人）：王小明" in clerk.last


async def test_only_the_office_can_broadcast_and_a_forged_send_does_nothing(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/broadcast")
    await clerk.press("项目全体人员")
    await clerk.press("📢 通知")
    await clerk.send("明天放假")
    async with services.sessions() as session:
        draft = (await session.execute(select(Broadcast))).scalar_one()
    for name, user in (("王小明", 1001), ("李明教授", 2001), ("张丽", 3001)):
        chat = await joined(engine, services, name, user)
        await chat.send("/broadcast")
        assert "你的身份不能使用这个功能" in chat.last
        for payload in (f"obc:send:{draft.id}", f"obc:report:{draft.id}", "obc:recent", "obc:to:everyone"):
            await chat.press(payload=payload)
            assert "你的身份不能使用这个功能" in chat.last, (name, payload)
    await clerk.press(payload="obc:send:999999")  # no such draft
    await clerk.press(payload="obc:subject:99")  # no such subject
    async with services.sessions() as session:
        assert (await session.execute(select(BroadcastRecipient))).scalars().all() == []
        assert (await session.execute(select(Broadcast.status))).scalars().all() == ["draft"]


async def test_a_changed_text_makes_the_first_previews_button_stale(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/broadcast")
    await clerk.press("按学科")
    await clerk.press("数学")
    await clerk.press("📢 通知")
    await clerk.send("周六数学讲座改到 9 点")
    first = clerk.find("发送给").payload
    await clerk.press("修改内容")
    await clerk.send("周六数学讲座改到 10 点")
    await clerk.press(payload=first)  # the button of the first preview
    async with services.sessions() as session:
        assert (await session.execute(select(BroadcastRecipient))).scalars().all() == []
    await clerk.press("发送给 2 人")  # 刘思源 and 赵华教授
    async with services.sessions() as session:
        sent = (await session.execute(select(Broadcast).where(Broadcast.status == "sent"))).scalars().all()
    assert [b.text for b in sent] == ["周六数学讲座改到 10 点"]
    assert len(await copies(services, "刘思源")) == 1 and len(await copies(services, "赵华教授")) == 1


async def announce_lecture(clerk) -> None:
    """The office invites the students to a lecture on December 5th (王小明, 刘思源 and 孙悦)."""
    await clerk.send("/broadcast")
    await clerk.press("按身份")
    await clerk.press("学生")
    await clerk.press("📅 活动")
    await clerk.send("量子霍尔效应专题报告")
    await clerk.send("12月5日 14:00")
    await clerk.press("不写地点")
    await clerk.press("发送给 3 人")


async def test_after_the_event_those_who_came_are_asked_to_log_it_already_filled_in(engine, services, clock):
    from scheduler.sweeper import Sweeper

    clock.set(at("2026-11-20 10:00"))
    wang = await joined(engine, services, "王小明", 1001)
    liu = await joined(engine, services, "刘思源", 1002)
    clerk = await joined(engine, services, "王主任", 9001)
    await announce_lecture(clerk)
    [copy] = await copies(services, "王小明")
    await wang.press(payload=next(p for row in copy.buttons for label, p in row if "不" not in label))
    sweeper = Sweeper(services.sessions, clock, services.calendar, services.zone)

    clock.set(at("2026-12-05 15:00"))  # under way: nobody is asked yet
    await sweeper.sweep()
    clock.set(at("2026-12-05 18:00"))
    await sweeper.sweep()
    await sweeper.sweep()  # a second sweep asks nobody twice
    async with services.sessions() as session:
        asked = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "event_log"))).scalars().all()
    wang_id = (await copies(services, "王小明"))[0].person_id
    assert [m.person_id for m in asked] == [wang_id]
    [ask] = asked
    assert "量子霍尔效应专题报告" in ask.text
    await wang.press(payload=ask.buttons[0][0][1])
    async with services.sessions() as session:
        state = await session.get(ConversationState, ("telegram", 1001))
    assert (state.flow, state.step) == ("log", "did")
    assert state.data["log"] == {"kind": "lecture", "date": "2026-12-05"}
    await liu.press(payload=ask.buttons[0][0][1])  # did not say they would come
    assert "找不到这个活动，或者你没有报名参加" in liu.said(2)


async def test_a_student_on_telegram_and_dingtalk_is_asked_once_to_log_the_event_and_counted_once(
        engine, services, clock):
    from datetime import timedelta

    from handlers.kit import Incoming
    from scheduler.sweeper import Sweeper
    from tests.helpers import invite_code

    clock.set(at("2026-11-20 10:00"))
    wang = await joined(engine, services, "王小明", 1001, language="en")
    clock.set(clock.now() + timedelta(minutes=5))
    await engine.handle(Incoming(user_id=3, chat_id=3, command="start", argument=await invite_code(services, "王小明"),
                                 channel="dingtalk", update_scope="dingtalk", update_id=90001))  # the same student
    clerk = await joined(engine, services, "王主任", 9001)
    await announce_lecture(clerk)
    [copy] = await copies(services, "王小明")
    await wang.press(payload=next(p for row in copy.buttons for _, p in row if p.endswith(":yes")))
    clock.set(at("2026-12-05 18:00"))
    sweeper = Sweeper(services.sessions, clock, services.calendar, services.zone)
    await sweeper.sweep()
    async with services.sessions() as session:
        asked = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "event_log"))).scalars().all()
    assert len(asked) == 1
    assert sweeper.written["event_follow_up"] == 1, "one student asked, however many accounts they have"


async def test_a_student_on_telegram_and_dingtalk_is_one_recipient_in_the_count_and_the_delivery_report(
        engine, services, clock):
    from handlers.kit import Incoming
    from tests.helpers import invite_code

    clock.set(at("2026-11-20 10:00"))
    await joined(engine, services, "王小明", 1001)
    await engine.handle(Incoming(user_id=3, chat_id=3, command="start", argument=await invite_code(services, "王小明"),
                                 channel="dingtalk", update_scope="dingtalk", update_id=90001))  # the same student
    clerk = await joined(engine, services, "王主任", 9001)
    await announce_lecture(clerk)
    assert "已安排发送给 3 人" in clerk.last  # 王小明, 刘思源 and 孙悦: three people, four accounts
    assert len(await copies(services, "王小明")) == 1
    await clerk.press("送达情况")
    assert "共 3 人" in clerk.last and "排队中 1" in clerk.last and "未加入 2" in clerk.last
    assert clerk.last.count("王小明") <= 1
