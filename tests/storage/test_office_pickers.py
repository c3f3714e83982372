"""What the office's buttons offer: schools, a school's students page by page, whom to move a student to."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from program.roles import Role
from storage import office, people
from storage.models import Person
from tests.helpers import import_roster, make_services

ROSTER = """name,role,school,subject,grade,mentor,teacher
王主任,office,,,,,
李明教授,mentor,山西大学,物理学,,,
赵华教授,mentor,山西大学,数学,,,
张丽,teacher,山西大学附属中学,,,,
周敏,teacher,山西大学附属中学,,,,
陈刚,teacher,山西省实验中学,,,,
王小明,student,山西大学附属中学,物理学,高一,李明教授,张丽
刘思源,student,山西大学附属中学,数学,高二,赵华教授,张丽
安然,student,山西大学附属中学,数学,高二,赵华教授,周敏
孙悦,student,山西省实验中学,计算机科学与技术,高一,李明教授,陈刚
"""


async def test_the_office_picks_a_school_then_a_student_then_a_new_mentor_or_teacher(sessions, clock, calendar):
    await import_roster(make_services(sessions, clock, calendar), ROSTER)
    async with sessions() as session:
        who = dict((await session.execute(select(Person.name, Person.id))).all())
        listed = await office.schools(session)
        assert [(name, count) for _, name, count in listed] == [("山西大学附属中学", 3), ("山西省实验中学", 1)]
        assert await office.subjects(session) == sorted(["数学", "物理学", "计算机科学与技术"])

        fuzhong = listed[0][0]
        first, total = await office.students_page(session, fuzhong, 0, 2)
        rest, _ = await office.students_page(session, fuzhong, 2, 2)
        assert total == 3 and len(first) == 2 and len(rest) == 1
        assert {p.name for p in [*first, *rest]} == {"王小明", "刘思源", "安然"}

        assert [p.name for p in await office.staff(session, Role.MENTOR)] == sorted(["李明教授", "赵华教授"])
        assert {p.name for p in await office.staff(session, Role.TEACHER, fuzhong)} == {"张丽", "周敏"}
        assert [p.name for p in await people.supervisors_of(session, who["王小明"], "teacher")] == ["张丽"]

        student = await office.person_in_role(session, who["王小明"], Role.STUDENT)
        assert student is not None and student.name == "王小明"
        assert await office.person_in_role(session, who["张丽"], Role.STUDENT) is None  # a teacher's id
        assert await office.person_in_role(session, 2**31 - 1, Role.STUDENT) is None  # a forged one


async def test_a_move_replaces_the_mentors_and_says_when_nothing_changed(sessions, clock, calendar):
    await import_roster(make_services(sessions, clock, calendar), ROSTER)
    async with sessions() as session, session.begin():
        who = dict((await session.execute(select(Person.name, Person.id))).all())
        assert await office.move_student(session, who["王小明"], "mentor", [who["赵华教授"]])
        assert not await office.move_student(session, who["王小明"], "mentor", [who["赵华教授"]])
        assert [p.name for p in await people.supervisors_of(session, who["王小明"], "mentor")] == ["赵华教授"]
        assert [p.name for p in await people.supervisors_of(session, who["王小明"], "teacher")] == ["张丽"]


async def test_a_plan_revised_since_the_office_opened_it_is_not_decided_unread(sessions, clock, calendar):
    from program.errors import NotAllowed
    from program.plans import PlanContent
    from storage import plans

    await import_roster(make_services(sessions, clock, calendar), ROSTER)
    content = PlanContent("目标", "阅读", "课题", {3: 5, 4: 5})
    async with sessions() as session, session.begin():
        who = dict((await session.execute(select(Person.name, Person.id))).all())
        plan, draft = await plans.draft_for(session, student_id=who["王小明"], year=2026, author_id=who["李明教授"],
                                            now=clock.now())
        plans.write(plan, draft, content, who["李明教授"], clock.now())
        plans.submit(plan, draft, clock.now())
        await plans.decide(session, plan_id=plan.id, office_id=who["王主任"], approve=False, reason="再具体些",
                           now=clock.now(), version_seen=1)
        plan, draft = await plans.draft_for(session, student_id=who["王小明"], year=2026, author_id=who["李明教授"],
                                            now=clock.now())
        plans.submit(plan, draft, clock.now())
        with pytest.raises(NotAllowed):  # the office read version 1; version 2 waits unread
            await plans.decide(session, plan_id=plan.id, office_id=who["王主任"], approve=True, reason=None,
                               now=clock.now(), version_seen=1)
        assert plan.status == "submitted" and await plans.mentors_of(session, who["王小明"]) == [who["李明教授"]]
        await plans.decide(session, plan_id=plan.id, office_id=who["王主任"], approve=True, reason=None,
                           now=clock.now(), version_seen=2)
        assert (plan.status, plan.approved) == ("approved", 2)
