"""Every reminder's button, tapped by the person it was sent to, opens the screen it promises (through the real engine).

A year of the program runs on a settable clock; each reminder is delivered by the real sweeps and delivery
worker, and its recipient taps its button at once. A payload no flow registers, or one the recipient's role
may not use, comes back as a refusal ("this button is no longer valid"), and the test fails on it.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from program.reminders import Rule
from storage.db import create_engine, session_factory
from storage.models import Person
from tests.conftest import at
from tests.helpers import Chat, import_roster
from tests.reminders.conftest import Program, Sent, make_program
from tests.reminders.test_student_rules import schedule

NEW_LOG = ("这次是什么活动？", "你有一篇没写完的成长日志")  # the log flow: its first question, or the unfinished draft
SESSION_LOG = ("这次做了什么？", "你有一篇没写完的成长日志")  # kind and date filled in: straight to writing
EVALUATIONS = ("请选择学生",)
# What the recipient must see after tapping each rule's button (any one of the markers).
SCREENS: dict[Rule, tuple[str, ...]] = {
    Rule.SESSION_LOG: SESSION_LOG,
    Rule.SESSION_LOG_EVENING: SESSION_LOG,
    Rule.RETURNED_LOG: ("请核对你的成长日志",),
    Rule.BEHIND_PACE: NEW_LOG,
    Rule.DEADLINE: NEW_LOG + ("截止日期",),  # the end of training: a new log; annual materials: the deadlines
    Rule.DEADLINE_LAST: NEW_LOG + ("截止日期",),
    Rule.IDLE: NEW_LOG,
    Rule.EVALUATION: EVALUATIONS,
    Rule.EVALUATION_LAST_DAY: EVALUATIONS,
    Rule.MENTOR_SUMMARY: ("我的学生",),
    Rule.TEACHER_DIGEST: ("待确认",),
    Rule.OFFICE_SUMMARY: ("项目概况",),
}
PEOPLE = ("王主任", "李明教授", "赵华教授", "张丽", "陈刚", "王小明", "刘思源", "孙悦")
MOMENTS = (  # program time: what falls due then
    "2027-02-03 10:00",  # 王小明's log came back two days ago
    "2027-02-08 08:00", "2027-02-08 08:30",  # Monday: the teachers' digest, the office's summary
    "2027-03-01 09:00",  # the monthly notes: behind the pace, the mentors' summaries
    "2027-03-04 09:00",  # 30 days without a log
    "2027-03-10 20:00", "2027-03-11 19:00",  # three hours after the session, and the next evening
    "2027-04-01 09:00", "2027-04-10 09:00",  # the initial evaluation opens; its last day
    "2027-11-23 09:00",  # annual materials and the annual evaluation, a week before
    "2027-12-24 09:00", "2027-12-30 09:00",  # the end of training in 7 days, and tomorrow
)


@pytest.fixture
async def year(sqlite_url, calendar):  # noqa: ANN001, ANN201 - routing does not depend on the database
    engine = create_engine(sqlite_url)
    program = make_program(session_factory(engine), calendar, at("2027-02-01 10:00"))
    await import_roster(program.services)
    yield program
    await engine.dispose()


async def file_log(student: Chat, did: str) -> None:
    await student.send("/log")
    for label in ("阅读", "今天"):
        await student.press(label)
    await student.send(did)
    for label in ("下一步 ▶", "跳过 ▶", "跳过 ▶"):
        await student.press(label)
    await student.send("1")
    await student.press("无附件，去核对 ▶")
    await student.press("✅ 提交")
    assert "成长日志已提交" in student.said()


async def tap(program: Program, chats: dict[int, Chat], seen: set[int], sent: list[Sent]) -> list[tuple[Rule, str]]:
    """Each reminder just delivered is tapped by its recipient; what was tapped, by rule."""
    tapped = []
    for row in await program.rows():
        if row.id in seen or row.status != "sent" or row.kind not in Rule.__members__.values():
            continue
        seen.add(row.id)
        rule, chat = Rule(row.kind), chats[row.person_id]
        [message] = [s for s in sent if s.chat_id == chat.user_id and s.text == row.text]
        assert len(message.payloads) == 1, f"{rule}: one button to act at once, not {message.buttons}"
        screens = await chat.press(payload=message.payloads[0])
        shown = "\n".join(s.text for s in screens)
        assert chat.toasts[-1] is None and not shown.startswith("⚠️"), \
            f"{rule}: {message.payloads[0]!r} did not reach a handler for this person: {shown[:200]}"
        assert any(marker in shown for marker in SCREENS[rule]), \
            f"{rule}: {message.payloads[0]!r} opened the wrong screen: {shown[:300]}"
        tapped.append((rule, message.payloads[0]))
    return tapped


async def test_every_reminders_button_opens_its_screen_for_the_person_it_was_sent_to(year: Program):
    chats: dict[int, Chat] = {}
    async with year.services.sessions() as session:
        ids = dict((await session.execute(select(Person.name, Person.id))).all())
    for name in PEOPLE:
        chats[ids[name]] = await year.join(name)
    wang, liu, li = chats[ids["王小明"]], chats[ids["刘思源"]], chats[ids["李明教授"]]
    teacher = chats[ids["张丽"]]
    await file_log(wang, "读了《费曼物理学讲义》第一章")
    await teacher.send("/confirm")
    await teacher.press("↩️ 退回 #1")
    await teacher.send("请写清楚读了哪几页")
    await file_log(liu, "读了一篇科普文章")  # waits for 张丽 on Monday
    seen: set[int] = set()
    tapped: list[tuple[Rule, str]] = []
    for moment in MOMENTS:
        if moment == "2027-03-10 20:00":
            year.clock.set(at("2027-03-10 09:00"))
            await schedule(li, "2027-03-10 15:00-17:00")
        tapped += await tap(year, chats, seen, await year.at(moment))
    assert {rule for rule, _ in tapped} == set(Rule), "every rule was sent, and its button tapped"
    assert {payload for _, payload in tapped} >= {"log:new", "deadlines:show", "mst:list", "tch:list",
                                                  "office:overview", "ev:kind:initial", "ev:kind:annual"}
