"""Students' reminders: after a session, a returned log, the pace, deadlines, a quiet month (who, when, language)."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import GrowthLog, Person, SessionInvitee
from tests.helpers import Chat
from tests.reminders.conftest import Program, Sent


async def schedule(mentor: Chat, when: str, topic: str = "读书会", students: tuple[str, ...] = ("全选",)) -> None:
    await mentor.send("/schedule")
    await mentor.send(when)
    await mentor.send("图书馆 201")
    await mentor.send(topic)
    for student in students:
        await mentor.press(student)
    await mentor.press("完成 ▶")
    await mentor.press("📨 安排并通知")


async def file_log_from(student: Chat, reminder: Sent) -> None:
    """The student taps the reminder's button and writes the log (kind and date are already filled in)."""
    screens = await student.press(payload=reminder.payloads[0])
    assert "这次做了什么？" in screens[-1].text and "第 3/7 步" in screens[-1].text
    await student.send("和导师读了论文第一章")
    await student.press("下一步 ▶")
    await student.press("跳过 ▶")
    await student.press("跳过 ▶")
    await student.press("2 小时") if any("2 小时" in b.label for s in student.screens[-1:] for r in s.buttons
                                          for b in r) else await student.send("2")
    await student.press("无附件，去核对 ▶")
    assert "导师见面" in student.last
    await student.press("✅ 提交")
    assert "成长日志已提交" in student.said()


def reminders_in(sent: list[Sent], chat: Chat, words: str) -> list[Sent]:
    return [s for s in sent if s.chat_id == chat.user_id and words in s.text]


def to_log(sent: list[Sent], chat: Chat) -> list[Sent]:
    """The post-session reminders among what a chat was sent (their button logs the session)."""
    return [s for s in sent if s.chat_id == chat.user_id and any(p.startswith("log:for:") for p in s.payloads)]


async def test_a_student_is_reminded_to_log_a_session_three_hours_after_it_ends_and_once_more_the_next_evening(
        program: Program):
    mentor, wang = await program.join("李明教授"), await program.join("王小明")
    sun = await program.join("孙悦", language="en")
    await schedule(mentor, "2027-03-10 15:00-17:00")
    assert not to_log(await program.at("2027-03-10 19:59"), wang)
    sent = await program.at("2027-03-10 20:00")
    [reminder] = reminders_in(sent, wang, "该写成长日志啦")
    assert "读书会" in reminder.text and "李明教授" in reminder.text and "3月10日" in reminder.text
    assert reminder.labels == ["📝 写这次的日志"] and reminder.payloads[0].startswith("log:for:")
    [english] = reminders_in(sent, sun, "Time for your growth log")
    assert english.labels == ["📝 Log this session"]
    assert not to_log(await program.at("2027-03-10 20:10"), wang), "a second sweep sends nothing new"

    await file_log_from(wang, reminder)
    evening = await program.at("2027-03-11 19:00")
    assert not to_log(evening, wang), "logged: the evening reminder is not sent"
    [again] = reminders_in(evening, sun, "is still missing")
    assert "读书会" in again.text and again.payloads == english.payloads


async def test_a_student_who_said_no_or_logged_already_is_not_reminded(program: Program):
    mentor, wang, liu = await program.join("李明教授"), await program.join("王小明"), await program.join("孙悦")
    await schedule(mentor, "2027-03-10 15:00")  # no end given: taken to last two hours
    async with program.services.sessions() as session, session.begin():
        wang_id = (await session.execute(select(Person.id).where(Person.name == "王小明"))).scalar_one()
        invited = select(SessionInvitee).where(SessionInvitee.student_id == wang_id)
        invitee = (await session.execute(invited)).scalar_one()
        invitee.attending = False
    sent = await program.at("2027-03-10 20:00")
    assert not to_log(sent, wang) and to_log(sent, liu)


async def test_session_reminders_wait_for_the_morning_and_follow_each_students_quiet_hours(program: Program):
    mentor, wang, sun = await program.join("李明教授"), await program.join("王小明"), await program.join("孙悦")
    await sun.send("/settings")
    await sun.press("23:00–08:00")
    await schedule(mentor, "2027-03-10 18:00-20:00")  # due at 23:00: quiet for everyone
    assert not to_log(await program.at("2027-03-10 23:00"), wang)
    assert to_log(await program.at("2027-03-11 07:30"), wang)
    assert not to_log(program.inbox.sent, sun), "孙悦 chose quiet hours until 08:00"
    assert to_log(await program.at("2027-03-11 08:00"), sun)


async def test_a_session_reminder_more_than_a_day_late_is_recorded_as_missed_not_sent(program: Program):
    mentor, wang = await program.join("李明教授"), await program.join("王小明")
    await schedule(mentor, "2027-03-10 09:00-10:00", students=("王小明",))
    sent = await program.at("2027-03-11 14:00")  # the bot was down from before 13:00 yesterday until now
    assert not to_log(sent, wang)
    [missed] = await program.rows("session_log")
    assert missed.status == "missed"
    assert reminders_in(await program.at("2027-03-11 19:00"), wang, "还没写"), "the evening one is on time"


async def test_muted_session_reminders_are_not_sent(program: Program):
    mentor, wang = await program.join("李明教授"), await program.join("王小明")
    await wang.send("/settings")
    await wang.press("参加培养后提醒写日志")
    await schedule(mentor, "2027-03-10 15:00-17:00", students=("王小明",))
    assert not to_log(await program.at("2027-03-10 20:00"), wang)
    assert not to_log(await program.at("2027-03-11 19:00"), wang)


async def test_a_returned_log_is_reminded_two_days_later_unless_it_was_fixed(program: Program):
    wang, liu, teacher = await program.join("王小明"), await program.join("刘思源"), await program.join("张丽")
    for student in (wang, liu):
        await student.send("/log")
        await student.press("阅读")
        await student.press("今天")
        await student.send("读了《费曼物理学讲义》第一章")
        await student.press("下一步 ▶")
        await student.press("跳过 ▶")
        await student.press("跳过 ▶")
        await student.send("2")
        await student.press("无附件，去核对 ▶")
        await student.press("✅ 提交")
    await teacher.send("/confirm")
    for number in (1, 2):
        await teacher.press(f"↩️ 退回 #{number}")  # the list keeps its numbers
        await teacher.send("请写清楚读了哪几页" if number == 1 else "请补充学到了什么")
    async with program.services.sessions() as session:
        statuses = [row.status for row in (await session.execute(select(GrowthLog))).scalars()]
    assert statuses == ["rejected", "rejected"]
    await liu.send("/mylogs")
    await liu.press("↩️")  # the returned log
    await liu.press("✏️ 修改")
    await liu.press("✏️ 修改某项")
    await liu.press("收获")
    await liu.send("学会了估算误差")
    await liu.press("下一步 ▶")
    await liu.press("💾 保存修改")

    def to_fix(sent: list[Sent], chat: Chat) -> list[Sent]:
        return [s for s in sent if s.chat_id == chat.user_id and any(p.startswith("logedit:open:") for p in s.payloads)]

    assert not to_fix(await program.at("2027-02-03 09:59"), wang)
    sent = await program.at("2027-02-03 10:00")
    [reminder] = to_fix(sent, wang)
    assert "请写清楚读了哪几页" in reminder.text and "2月8日" in reminder.text and reminder.labels == ["✏️ 修改日志"]
    assert not to_fix(sent, liu), "刘思源 fixed it already"
    screens = await wang.press(payload=reminder.payloads[0])
    assert "请核对你的成长日志" in screens[-1].text and "读了《费曼物理学讲义》第一章" in screens[-1].text


async def test_a_reminder_waiting_for_the_morning_is_dropped_once_the_student_logged_the_session(program: Program):
    mentor, wang = await program.join("李明教授"), await program.join("王小明")
    await schedule(mentor, "2027-03-10 18:00-20:00", students=("王小明",))
    assert not to_log(await program.at("2027-03-10 23:00"), wang)  # due, but it is night: it waits
    await wang.send("/log")
    await wang.press("读书会")  # the session is offered first
    await wang.send("读书会上讨论了量子隧穿")
    for label in ("下一步 ▶", "跳过 ▶", "跳过 ▶"):
        await wang.press(label)
    await wang.send("2")
    await wang.press("无附件，去核对 ▶")
    await wang.press("✅ 提交")
    assert not to_log(await program.at("2027-03-11 07:30"), wang)
    [row] = await program.rows("session_log")
    assert (row.status, row.last_error) == ("skipped", "no longer owed")
