"""Defect 12: a mentor's lists with a button per student are paged, so no screen passes Telegram's 100 buttons."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Person, SessionInvitee
from tests.conftest import at
from tests.helpers import import_roster, joined, make_engine, make_services

STUDENTS = 130
ROSTER = "name,role,school,subject,grade,mentor,teacher\n李明教授,mentor,山西大学,物理学,,,\n" \
         "张丽,teacher,山西大学附属中学,,,,\n" + "".join(
             f"学生{i:03d},student,山西大学附属中学,物理学,高一,李明教授,张丽\n" for i in range(STUDENTS))


@pytest.fixture
async def big_school(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    await import_roster(services, ROSTER)
    return make_engine(services), services


async def walk(chat, first: list, prefix: str) -> set[str]:  # noqa: ANN001
    """Every page of a list, following ▶ (bounded); the payloads starting with `prefix` on all of them."""
    found: set[str] = set()
    screens = first
    for _ in range(20):
        buttons = [b for s in screens for row in s.buttons for b in row]
        assert len(buttons) <= 100, len(buttons)
        found |= {b.payload for b in buttons if b.payload and b.payload.startswith(prefix)}
        forward = [b for b in buttons if b.label == "▶"]
        if not forward:
            return found
        screens = await chat.press(payload=forward[0].payload)
    raise AssertionError("more than 20 pages")


async def test_a_mentors_lists_page_their_students(big_school, clock):
    engine, services = big_school
    mentor = await joined(engine, services, "李明教授", 2001)
    assert len(await walk(mentor, await mentor.send("/students"), "mst:logs:")) == STUDENTS
    await mentor.send("/evaluate")
    assert len(await walk(mentor, await mentor.press("年度"), "ev:open:")) == STUDENTS


async def test_a_teachers_school_view_pages_its_students(big_school, clock):
    """Nobody has logged anything, so all 130 are behind the pace and each has a 🔔: 130 buttons on one screen
    would be refused by Telegram; paged, every student can be nudged."""
    clock.set(at("2026-11-20 10:00"))
    engine, services = big_school
    teacher = await joined(engine, services, "张丽", 3001)
    first = await teacher.send("/school")
    assert "130" in first[-1].text and "第 1/7 页" in first[-1].text
    nudges = await walk(teacher, first, "tch:nudge:")
    assert len(nudges) == STUDENTS


async def test_every_one_of_a_mentors_130_students_has_a_plan_button(big_school, clock):
    engine, services = big_school
    mentor = await joined(engine, services, "李明教授", 2001)
    writes = await walk(mentor, await mentor.send("/plan"), "mpl:write:")
    assert len(writes) == STUDENTS
    await mentor.press("学生129")  # on the last page: the plan form opens for the 130th
    assert "学生129" in mentor.last and "🎯" in mentor.last, mentor.last


async def invitees(services) -> set[str]:  # noqa: ANN001
    async with services.sessions() as session:
        invited = select(Person.name).join(SessionInvitee, SessionInvitee.student_id == Person.id)
        return set((await session.execute(invited)).scalars())


async def to_the_picker(mentor) -> list:  # noqa: ANN001
    await mentor.send("/schedule")
    await mentor.send("12月5日 下午3点")
    await mentor.send("物理楼 302")
    return await mentor.send("开题讨论")


async def test_the_session_picker_pages_and_keeps_the_choice_across_pages(big_school, clock):
    """A mentor of 130 can invite the last one too; what was ticked on page 1 is still ticked after paging."""
    clock.set(at("2026-12-01 10:00"))
    engine, services = big_school
    mentor = await joined(engine, services, "李明教授", 2001)
    await to_the_picker(mentor)
    await mentor.press("学生000")
    picks = await walk(mentor, [mentor.screens[-1]], "ses:pick:")
    assert len(picks) == STUDENTS
    await mentor.press("学生129")
    assert "☑ 学生129" in mentor.offered
    for _ in range(10):  # back to the first page (bounded)
        if "◀" not in mentor.offered:
            break
        await mentor.press("◀")
    assert "☑ 学生000" in mentor.offered and "☐ 学生001" in mentor.offered and "已选 2/130 人" in mentor.last
    await mentor.press("完成")
    assert "学生000" in mentor.last and "学生129" in mentor.last
    await mentor.press("安排并通知")
    assert await invitees(services) == {"学生000", "学生129"}


async def test_all_in_the_session_picker_invites_every_one_of_130(big_school, clock):
    clock.set(at("2026-12-01 10:00"))
    engine, services = big_school
    mentor = await joined(engine, services, "李明教授", 2001)
    await to_the_picker(mentor)
    await mentor.press("全选")
    await walk(mentor, [mentor.screens[-1]], "ses:pick:")
    assert "☑ 学生129" in mentor.offered and not [b for b in mentor.offered if b.startswith("☐")]
    await mentor.press("完成")
    await mentor.press("安排并通知")
    assert len(await invitees(services)) == STUDENTS
