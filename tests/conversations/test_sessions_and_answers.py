"""Issue 12, items 2 and 10: invitations show the answer, tell the mentor by name, and 我的安排 lists what is coming."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import OutboxMessage, Person, SessionInvitee, TrainingSession
from tests.conftest import at
from tests.helpers import joined, statements


async def inbox(services, name: str) -> list[OutboxMessage]:
    async with services.sessions() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == person.id)
                                           .order_by(OutboxMessage.id))).scalars())


async def fill_in(mentor, when: str = "12月5日 下午3点") -> None:
    """/schedule's questions answered from the time on, every student chosen: the review is shown."""
    await mentor.send(when)
    await mentor.send("物理楼 302")
    await mentor.send("开题讨论")
    await mentor.press("全选")
    await mentor.press("完成")


async def schedule(mentor) -> None:
    await mentor.send("/schedule")
    await fill_in(mentor, "12月5日 下午3点到5点")
    await mentor.press("安排并通知")


async def test_answers_are_shown_changed_by_choice_told_to_the_mentor_and_closed_once_begun(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    wang = await joined(engine, services, "王小明", 1001)
    await schedule(mentor)
    assert "物理楼 302" in mentor.last and "开题讨论" in mentor.last and "王小明" in mentor.last, "details stay"
    invite = (await inbox(services, "王小明"))[0]
    assert "李明教授安排了一次培养" in invite.text and "12月5日（周六）15:00–17:00" in invite.text
    await wang.press(payload=invite.buttons[0][0][1])
    assert "你的回复：✅ 参加" in wang.last
    await wang.press("更改回复")
    assert "● ✅ 我会参加" in wang.offered, "a choice, not a flip"
    await wang.press("我来不了")
    assert "你的回复：❌ 不参加" in wang.last
    told = (await inbox(services, "李明教授"))[-1]
    assert "王小明不能参加" in told.text and "开题讨论" in told.text
    await mentor.send("/agenda")
    assert "不参加：王小明" in mentor.last
    clock.set(at("2026-12-05 15:30"))
    await wang.press(payload=invite.buttons[0][0][1])
    assert "已经开始" in wang.said(2)


async def test_my_schedule_lets_the_mentor_move_or_cancel_and_the_students_are_told(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    wang = await joined(engine, services, "王小明", 1001)
    await schedule(mentor)
    await wang.send("/agenda")
    assert "开题讨论" in wang.last and "李明教授" in wang.last and "还没有回复" in wang.last
    await mentor.send("🗓 我的安排")
    await mentor.press("改时间 #1")
    await mentor.send("下周三下午3点")
    assert "12月9日（周三）15:00–17:00" in mentor.last
    await mentor.press("确认改时间")
    moved = (await inbox(services, "王小明"))[-1]
    assert "调整了一次培养的时间" in moved.text and "12月9日（周三）15:00" in moved.text
    async with services.sessions() as session:
        found = (await session.execute(select(TrainingSession))).scalar_one()
    assert found.starts_at == at("2026-12-09 15:00") and found.ends_at == at("2026-12-09 17:00")
    await mentor.send("/agenda")
    await mentor.press("取消 #1")
    assert "2 名学生" in mentor.last
    await mentor.press("确认取消")
    assert "取消了" in (await inbox(services, "王小明"))[-1].text
    await wang.send("/agenda")
    assert "还没有给你安排" in wang.last
    clock.advance(timedelta(days=1))


async def test_changing_the_answer_to_a_session_the_mentor_cancelled_says_it_was_cancelled(engine, services, clock):
    """王小明 said yes, the mentor called the session off, then 王小明 taps “更改回复” under his old answer."""
    clock.set(at("2026-12-01 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    wang = await joined(engine, services, "王小明", 1001)
    await schedule(mentor)
    await wang.press(payload=(await inbox(services, "王小明"))[0].buttons[0][0][1])
    assert "你的回复：✅ 参加" in wang.last
    await mentor.send("/agenda")
    await mentor.press("取消 #1")
    await mentor.press("确认取消")
    shown = await wang.press("更改回复")
    told = wang.toasts[-1] or ""
    assert "“开题讨论”已被导师取消，无需再回复" in told and "找不到" not in told, told
    assert wang.outcomes[-1] == "refused" and not any("我来不了" in repr(s.buttons) for s in shown), "nothing to answer"
    async with services.sessions() as session:
        answer = (await session.execute(select(SessionInvitee.attending).join(
            Person, Person.id == SessionInvitee.student_id).where(Person.name == "王小明"))).scalar_one()
    assert answer is True, "his answer stays as it was"


async def test_the_review_of_a_new_session_can_change_one_part(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.send("/schedule")
    await fill_in(mentor)
    await mentor.press("修改某项")
    await mentor.press("时间")
    await mentor.send("下周三下午3点")
    assert "12月9日（周三）15:00" in mentor.last and "物理楼 302" in mentor.last, "back at the review"
    await mentor.press("安排并通知")
    async with services.sessions() as session:
        found = (await session.execute(select(TrainingSession))).scalar_one()
    assert found.starts_at == at("2026-12-09 15:00")


async def test_the_mentors_schedule_costs_the_same_statements_for_one_session_as_for_four(engine, services, clock, db):
    from storage import sessions as training

    clock.set(at("2026-12-01 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await schedule(mentor)
    await mentor.send("/agenda")
    with statements(db) as one:
        await mentor.send("/agenda")
    async with services.sessions() as session, session.begin():
        first = (await session.execute(select(TrainingSession))).scalar_one()
        students = [sid for sid, _, _ in await training.invitees(session, first.id)]
        for day in (6, 7, 8):
            await training.schedule(session, mentor_id=first.mentor_id, starts_at=at(f"2026-12-{day:02d} 15:00"),
                                    ends_at=at(f"2026-12-{day:02d} 17:00"), place="物理楼 302", topic=f"读书会 {day}",
                                    student_ids=students, now=clock.now())
    with statements(db) as four:
        await mentor.send("/agenda")
    assert mentor.last.count("不参加") == 4 and "读书会 8" in mentor.last
    assert len(four) == len(one), "the invitees are read once for the whole list, not once per session"


async def test_an_answer_button_from_before_answers_carried_the_time_asks_again(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    wang = await joined(engine, services, "王小明", 1001)
    await schedule(mentor)
    invite = (await inbox(services, "王小明"))[0]
    session_id = invite.buttons[0][0][1].split(":")[2]
    await wang.press(payload=f"rsvp:yes:{session_id}")  # as buttons were packed before they carried the time
    assert "你现在的回复：—" in wang.last and "你的回复" not in wang.last, "asked, not answered for a time unseen"
    await wang.press("我会参加")
    assert "你的回复：✅ 参加" in wang.last


async def test_every_question_of_a_new_session_offers_a_way_back_and_a_way_out(engine, services, clock):
    clock.set(at("2026-12-01 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.send("/schedule")
    assert mentor.offered == ["✖️ 取消"], "the first question has nothing to go back to"
    await mentor.send("12月5日 下午3点到5点")
    assert "12月5日" in mentor.said(2) and "15:00–17:00" in mentor.said(2)
    assert mentor.offered == ["« 上一步", "✖️ 取消"]
    await mentor.press("« 上一步")
    assert mentor.offered == ["✖️ 取消"]
    await fill_in(mentor)
    await mentor.press("修改某项")
    await mentor.press("时间")
    assert mentor.offered == ["« 返回核对", "✖️ 取消"]
    await mentor.press("✖️ 取消")
    assert "已取消，没有安排任何培养。" in mentor.last
