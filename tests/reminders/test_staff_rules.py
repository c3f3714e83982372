"""Mentors', teachers' and the office's reminders: evaluation windows, monthly summaries, Monday digests."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from program.evaluations import EvaluationKind
from storage import evaluations
from storage.models import Account, GrowthLog, Person
from tests.helpers import Chat
from tests.reminders.conftest import Program, Sent
from tests.reminders.test_progress_rules import confirmed_sessions


def mine(sent: list[Sent], chat: Chat, words: str = "") -> list[Sent]:
    return [s for s in sent if s.chat_id == chat.user_id and words in s.text]


async def person_id(program: Program, name: str) -> int:
    async with program.services.sessions() as session:
        return (await session.execute(select(Person.id).where(Person.name == name))).scalar_one()


async def submit_evaluation(program: Program, mentor: str, student: str) -> None:
    async with program.services.sessions() as session, session.begin():
        mentor_id, student_id = await person_id(program, mentor), await person_id(program, student)
        found = await evaluations.start(session, student_id=student_id, mentor_id=mentor_id,
                                        kind=EvaluationKind.INITIAL, year=2027, now=program.clock.now())
        await evaluations.submit(session, found, mentor_id, program.clock.now())


async def test_the_initial_evaluation_window_first_day_every_second_day_until_submitted_and_the_last_day(
        program: Program):
    li, zhao = await program.join("李明教授"), await program.join("赵华教授", "en")
    wang = await program.join("王小明")
    await zhao.send("/settings")
    await zhao.press("Evaluation windows (every few days)")
    assert not mine(await program.at("2027-04-01 08:59"), li, "评价")
    first = await program.at("2027-04-01 09:00")
    [opening] = mine(first, li, "初期评价")
    assert "今天开始" in opening.text and "4月10日" in opening.text
    assert "孙悦、王小明" in opening.text.replace(", ", "、")
    assert opening.labels == ["🧾 去写评价"] and opening.payloads == ["ev:kind:initial"]
    assert not mine(first, zhao, "Initial") and not mine(first, wang, "评价"), "muted, and students are not told"
    screens = await li.press(payload=opening.payloads[0])
    assert "选择学生" in screens[-1].text or any("王小明" in b.label for r in screens[-1].buttons for b in r)
    assert not mine(await program.at("2027-04-02 09:00"), li, "初期评价")
    [again] = mine(await program.at("2027-04-03 09:00"), li, "初期评价")
    assert "还剩 7 天" in again.text

    await submit_evaluation(program, "李明教授", "王小明")
    [fewer] = mine(await program.at("2027-04-05 09:00"), li, "初期评价")
    assert "孙悦" in fewer.text and "王小明" not in fewer.text and "（1 人）" in fewer.text
    await submit_evaluation(program, "李明教授", "孙悦")
    assert not mine(await program.at("2027-04-07 09:00"), li, "初期评价"), "all submitted: it stops"
    last = await program.at("2027-04-10 09:00")
    [closing] = mine(last, zhao, "Last day")
    assert "刘思源" in closing.text and "closes tonight" in closing.text, "the last day cannot be muted"
    assert not mine(last, li, "初期评价")


async def test_a_mentor_who_joins_in_the_middle_of_a_window_gets_the_current_reminder_then_the_cadence(
        program: Program):
    await program.at("2027-04-06 07:00")
    zhao, liu = await program.join("赵华教授"), await program.join("刘思源")
    assert not mine(await program.at("2027-04-06 08:30"), zhao, "初期评价"), "not before the daytime sweep"
    [current] = mine(await program.at("2027-04-06 09:00"), zhao, "初期评价")
    assert "刘思源" in current.text and not mine(program.inbox.sent, liu, "初期评价")
    assert mine(await program.at("2027-04-07 09:00"), zhao, "初期评价"), "then it follows the cadence"
    assert not mine(await program.at("2027-04-08 09:00"), zhao, "初期评价")


async def test_a_reopened_window_gets_the_same_treatment(program: Program):
    li, zhao = await program.join("李明教授"), await program.join("赵华教授")
    async with program.services.sessions() as session, session.begin():
        await evaluations.reopen(session, mentor_id=await person_id(program, "赵华教授"), window="initial_evaluation",
                                 year=2027, opens=date(2027, 4, 12), closes=date(2027, 4, 16),
                                 now=program.clock.now())
    sent = await program.at("2027-04-12 09:00")
    [opening] = mine(sent, zhao, "初期评价")
    assert "今天开始" in opening.text and "4月16日" in opening.text
    assert not mine(sent, li, "初期评价"), "李明教授's window closed on 4月10日"
    assert mine(await program.at("2027-04-16 09:00"), zhao, "最后一天")


async def test_mentors_get_a_monthly_summary_of_their_students(program: Program):
    li = await program.join("李明教授", "en")
    await confirmed_sessions(program, "王小明", 4)
    [summary] = mine(await program.at("2027-05-01 09:00"), li, "Your students")
    assert "王小明: 4/10 confirmed" in summary.text and "孙悦: 0/10 confirmed · last log no logs yet" in summary.text
    assert summary.payloads == ["mst:list"]
    assert not mine(await program.at("2027-05-02 09:00"), li, "Your students")


async def test_teachers_get_a_monday_digest_only_when_there_is_something_to_say(program: Program):
    zhang, chen = await program.join("张丽"), await program.join("陈刚")
    wang = await program.join("王小明")
    await confirmed_sessions(program, "孙悦", 3)
    await confirmed_sessions(program, "刘思源", 3)
    await wang.send("/log")
    for label in ("阅读", "今天"):
        await wang.press(label)
    await wang.send("读了一篇科普文章")
    for label in ("下一步 ▶", "跳过 ▶", "跳过 ▶"):
        await wang.press(label)
    await wang.send("1")
    await wang.press("无附件，去核对 ▶")
    await wang.press("✅ 提交")
    assert not mine(await program.at("2027-03-08 07:59"), zhang, "本周")
    sent = await program.at("2027-03-08 08:00")
    [digest] = mine(sent, zhang, "本周待办")
    assert "山西大学附属中学" in digest.text and "有 1 条活动记录等你确认" in digest.text
    assert "王小明" in digest.text and "进度落后" in digest.text and digest.labels == ["✅ 待确认"]
    assert not mine(sent, chen), "陈刚's school has nothing waiting and nobody behind: no digest"
    screens = await zhang.press(payload=digest.payloads[0])
    assert "读了一篇科普文章" in screens[-1].text


async def test_a_digest_missed_while_the_bot_was_down_is_replaced_by_the_next(program: Program):
    zhang = await program.join("张丽")
    await program.join("王小明")
    assert not mine(await program.at("2027-03-09 10:00"), zhang, "本周"), "down all of Monday 3月8日"
    assert [row.status for row in await program.rows("teacher_digest")] == ["missed"]
    assert mine(await program.at("2027-03-15 08:00"), zhang, "本周待办")


async def test_the_office_gets_a_monday_summary_with_outstanding_evaluations_and_who_cannot_be_reached(
        program: Program):
    office = await program.join("王主任")
    await program.join("李明教授")
    await program.join("孙悦")
    async with program.services.sessions() as session, session.begin():
        await session.execute(update(Account).where(Account.person_id == await person_id(program, "孙悦"))
                              .values(unreachable_at=program.clock.now()))
    [summary] = mine(await program.at("2027-04-05 08:30"), office, "每周汇总")
    assert "学生 3 人" in summary.text and "已提交评价：初期 0" in summary.text
    assert "李明教授：2 份" in summary.text and "赵华教授：1 份" in summary.text
    assert "屏蔽了机器人：孙悦" in summary.text and "还没打开邀请链接" in summary.text and "刘思源" in summary.text
    assert summary.payloads == ["office:overview"]
    screens = await office.press(payload="office:overview")
    assert "项目概况" in screens[-1].text


async def test_the_offices_monday_summary_does_not_count_a_students_private_diary_entry(program: Program):
    office = await program.join("王主任")
    sun = await program.join("孙悦")
    await program.at("2027-04-01 10:00")
    await sun.send("/log")
    await sun.press("其他")  # a diary entry: hers alone, never a log for the office
    await sun.press("今天")
    await sun.send("我的私人日记：最近有点累")
    await sun.press("下一步")
    await sun.press("跳过")
    await sun.press("跳过")
    await sun.send("1")
    await sun.press("去核对")
    await sun.press("提交")
    async with program.services.sessions() as session:
        assert (await session.execute(select(GrowthLog.kind))).scalars().all() == ["other"], "the entry is stored"
    [summary] = mine(await program.at("2027-04-05 08:30"), office, "每周汇总")
    assert "本年度成长日志 0 篇" in summary.text, summary.text
