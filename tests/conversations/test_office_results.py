"""An office clerk records a student's annual result on a phone; the student is told; nobody else can record one."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import AnnualResult, AuditEntry, OutboxMessage, Person
from tests.conftest import at
from tests.helpers import joined, statements


async def test_the_office_rates_four_dimensions_decides_and_the_student_is_told(engine, services, clock):
    clock.set(at("2026-12-10 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/results")
    await clerk.press("山西大学附属中学 (2)")
    await clerk.press("王小明")
    assert "第 1/4 项" in clerk.last and "科学兴趣" in clerk.last
    await clerk.press("优秀")
    await clerk.press(payload="ors:rate:science_interest:good")  # the first question's button, tapped again
    assert "第 2/4 项" in clerk.last  # asked what is due; nothing overwritten
    await clerk.press("良好")
    await clerk.press("合格")
    await clerk.press("良好")
    await clerk.press("优秀")
    await clerk.press("是")
    assert "请核对" in clerk.last and "科学兴趣：优秀" in clerk.last and "结论：<b>优秀</b>" in clerk.last
    await clerk.press("保存并通知学生")
    assert "已保存王小明的结果" in clerk.last
    await clerk.press(payload=clerk.find("保存并通知学生").payload)  # a double tap finds the form closed
    async with services.sessions() as session:
        result = (await session.execute(select(AnnualResult))).scalar_one()
        wang = (await session.execute(select(Person.id).where(Person.name == "王小明"))).scalar_one()
        told = (await session.execute(select(OutboxMessage.text).where(
            OutboxMessage.person_id == wang, OutboxMessage.kind == "annual_result"))).scalars().all()
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert (result.science_interest, result.innovation_potential, result.overall_ability,
            result.english_communication) == ("excellent", "good", "qualified", "good")
    assert (result.outcome, result.international_candidate, result.program_year) == ("excellent", True, 2026)
    assert len(told) == 1 and "优秀" in told[0] and "培养证书" in told[0]
    assert actions == ["result"]

    await clerk.send("/results")
    await clerk.press("山西大学附属中学 (2)")
    assert "✓ 王小明" in clerk.offered


async def test_nobody_but_the_office_records_results(engine, services, clock):
    clock.set(at("2026-12-10 10:00"))
    for name, user in (("王小明", 1001), ("李明教授", 2001), ("张丽", 3001)):
        chat = await joined(engine, services, name, user)
        await chat.send("/results")
        assert "你的身份不能使用这个功能" in chat.last
        for payload in ("ors:pick:6", "ors:rate:science_interest:excellent", "ors:outcome:excellent", "ors:save"):
            await chat.press(payload=payload)
            assert "你的身份不能使用这个功能" in chat.last, (name, payload)
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.press(payload="ors:save")  # no form under way
    await clerk.press(payload="ors:pick:2")  # a mentor's id
    async with services.sessions() as session:
        assert (await session.execute(select(AnnualResult))).scalars().all() == []


async def test_a_schools_page_of_students_costs_the_same_statements_for_one_student_as_for_two(
        engine, services, clock, db):
    clock.set(at("2026-12-10 10:00"))
    clerk = await joined(engine, services, "王主任", 9001)
    await clerk.send("/results")
    await clerk.press("山西省实验中学 (1)")
    with statements(db) as one:
        await clerk.press("山西省实验中学 (1)")
    await clerk.send("/results")
    with statements(db) as two:
        await clerk.press("山西大学附属中学 (2)")
    assert clerk.offered == ["刘思源", "王小明"]
    assert len(two) == len(one), "the results are read once for the page, not once per student"
