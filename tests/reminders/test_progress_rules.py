"""Students' reminders about the year: behind the pace, deadlines 7/3/1 days before, and a quiet month."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from program.growth_log import ActivityKind, LogStatus
from storage.models import AnnualMaterial, GrowthLog, Person
from tests.conftest import at
from tests.helpers import Chat
from tests.reminders.conftest import Program, Sent


async def confirmed_sessions(program: Program, name: str, count: int, first: str = "2027-01-10") -> None:
    """`count` growth logs of different days, confirmed by the teacher."""
    async with program.services.sessions() as session, session.begin():
        student = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        for n in range(count):
            day = date.fromisoformat(first) + timedelta(days=n)
            moment = at(f"{day.isoformat()} 20:00")
            session.add(GrowthLog(student_id=student.id, kind=ActivityKind.READING.value, activity_date=day,
                                  did="读书", hours=1, status=LogStatus.CONFIRMED.value, submitted_at=moment,
                                  updated_at=moment, reviewed_at=moment))


def mine(sent: list[Sent], chat: Chat, words: str) -> list[Sent]:
    return [s for s in sent if s.chat_id == chat.user_id and words in s.text]


async def test_students_behind_the_pace_get_one_private_note_a_month(program: Program):
    wang, liu, sun = await program.join("王小明"), await program.join("刘思源"), await program.join("孙悦", "en")
    await confirmed_sessions(program, "王小明", 3)
    await confirmed_sessions(program, "刘思源", 1)
    assert not mine(await program.at("2027-05-01 08:59"), liu, "你的进度")
    sent = await program.at("2027-05-01 09:00")
    [note] = mine(sent, liu, "你的进度")
    assert "已确认 1/10 次" in note.text and "应该有 3 次" in note.text
    assert "还差 9 次" in note.text and "34 周" in note.text and note.labels == ["📝 写成长日志"]
    [english] = mine(sent, sun, "Your progress")
    assert "0 of 10 sessions confirmed" in english.text and "10 more sessions to go" in english.text
    assert not mine(sent, wang, "你的进度"), "王小明 keeps the pace"
    assert not mine(await program.at("2027-05-20 10:00"), liu, "你的进度"), "one a month"
    assert mine(await program.at("2027-06-01 09:00"), liu, "你的进度")


async def test_deadlines_seven_three_and_one_day_before_the_last_one_cannot_be_muted(program: Program):
    wang, liu, sun = await program.join("王小明"), await program.join("刘思源"), await program.join("孙悦")
    await confirmed_sessions(program, "王小明", 10)
    await liu.send("/settings")
    await liu.press("截止日期提醒（提前 7 天和 3 天）")
    assert liu.find("🔕 截止日期提醒") and "截止前的最后一次提醒一定会发送，不能关闭" in liu.last

    seven = await program.at("2027-12-24 09:00")
    [end] = mine(seven, sun, "本年度培养在")
    assert "12月31日" in end.text and "还剩 7 天" in end.text and "已确认 0/10 次" in end.text
    assert not mine(seven, wang, "本年度培养在"), "王小明 has his 10 confirmed sessions"
    assert not mine(seven, liu, "本年度培养在"), "刘思源 muted deadline reminders"
    assert mine(await program.at("2027-12-28 09:00"), sun, "还剩 3 天")
    last = await program.at("2027-12-30 09:00")
    assert mine(last, sun, "还剩 1 天") and mine(last, liu, "还剩 1 天"), "the last notice comes even when muted"
    assert not mine(await program.at("2027-12-31 10:00"), sun, "本年度培养在")


async def test_annual_materials_are_reminded_until_every_kind_is_handed_in(program: Program):
    sun, wang, liu = await program.join("孙悦", "en"), await program.join("王小明"), await program.join("刘思源")
    async with program.services.sessions() as session, session.begin():
        ids = dict((await session.execute(select(Person.name, Person.id))).all())
        for name, kinds in (("王小明", ("research_report", "training_report")), ("刘思源", ("research_report",))):
            session.add_all(AnnualMaterial(student_id=ids[name], program_year=2027, kind=kind, file_id=f"f-{kind}",
                                           uploaded_at=at("2027-11-20 10:00")) for kind in kinds)
    sent = await program.at("2027-11-23 09:00")
    [note] = mine(sent, sun, "Annual materials")
    assert "due on Tue 30 Nov" in note.text and "7 days left" in note.text and note.labels == ["⏰ Deadlines"]
    assert "Research report (课题报告), Training report (培养报告)" in note.text
    [partly] = mine(sent, liu, "年度材料")
    assert "还没交：培养报告。" in partly.text
    assert not mine(sent, wang, "年度材料"), "王小明 handed in both"


async def test_three_days_left_is_never_sent_after_the_deadline(program: Program):
    sun = await program.join("孙悦")

    class TelegramDown:
        async def send_notice(self, chat_id, text, buttons):  # noqa: ANN001
            raise ConnectionError("network down")

    working, program.worker.sender = program.worker.sender, TelegramDown()
    await program.at("2027-12-28 09:00")  # due, but it cannot go out: retried with backoff
    program.worker.sender = working
    assert not mine(await program.at("2028-01-01 10:00"), sun, "本年度培养在")
    statuses = {row.occasion: row.status for row in await program.rows("deadline")}
    assert statuses["training_end:2027-12-31:3"] == "missed"


async def test_a_student_with_no_log_for_thirty_days_gets_one_gentle_nudge(program: Program):
    wang, liu = await program.join("王小明"), await program.join("刘思源")
    async with program.services.sessions() as session, session.begin():
        liu_id = (await session.execute(select(Person.id).where(Person.name == "刘思源"))).scalar_one()
        moment = at("2027-02-10 20:00")
        session.add(GrowthLog(student_id=liu_id, kind=ActivityKind.READING.value, activity_date=date(2027, 2, 10),
                              did="读书", hours=1, status=LogStatus.SUBMITTED.value, submitted_at=moment,
                              updated_at=moment))
    assert not mine(await program.at("2027-03-03 09:00"), wang, "你好"), "joined on 2月1日 10:00: not 30 days yet"
    assert not mine(await program.at("2027-03-04 08:30"), wang, "你好"), "nudges go out from the day's 09:00 on"
    sent = await program.at("2027-03-04 09:00")
    [nudge] = mine(sent, wang, "你还没有写过成长日志")
    assert nudge.labels == ["📝 写成长日志"] and not mine(sent, liu, "你好"), "刘思源 logged on 2月10日"
    [later] = mine(await program.at("2027-03-13 09:00"), liu, "你上一篇成长日志")
    assert "2月10日" in later.text
    assert not mine(await program.at("2027-04-05 09:00"), wang, "你好"), "one nudge, not one a month"
