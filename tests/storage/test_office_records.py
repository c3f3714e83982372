"""The office's records: broadcasts reach exactly the chosen people once, plans keep their versions, results."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from program.annual import Dimension, MaterialKind, Outcome, Rating
from program.audit import AuditAction
from program.broadcasts import AudienceKind, BroadcastKind, Delivery, parse_audience
from program.errors import NotAllowed
from program.plans import PlanContent, PlanStatus
from storage import annual, audit, broadcasts, office, plans
from storage.models import BroadcastRecipient, OutboxMessage, Person, TrainingPlanVersion
from tests.helpers import import_roster, joined, make_engine, make_services


def render(language: str) -> tuple[str, list]:
    return ("📢 " + ("通知" if language == "zh_CN" else "Notice"), [[["OK", "x:y"]]])


async def _ids(session) -> dict[str, int]:  # noqa: ANN001
    return dict((await session.execute(select(Person.name, Person.id))).all())


async def _send(sessions, clock, audience: str) -> tuple[int, int | None]:  # noqa: ANN001
    async with sessions() as session, session.begin():
        draft = await broadcasts.draft(session, author_id=None, kind=BroadcastKind.NOTICE,
                                       audience=parse_audience(audience), text="明天开营", now=clock.now())
        count = await broadcasts.send(session, draft.id, render=render, due_at=clock.now(), now=clock.now())
        return draft.id, count


async def _recipients(sessions, broadcast_id: int) -> set[str]:  # noqa: ANN001
    async with sessions() as session:
        rows = await session.execute(select(Person.name)
                                     .join(BroadcastRecipient, BroadcastRecipient.person_id == Person.id)
                                     .where(BroadcastRecipient.broadcast_id == broadcast_id))
        return set(rows.scalars())


async def test_a_broadcast_reaches_exactly_the_chosen_people_once(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    await import_roster(services)
    engine = make_engine(services)
    await joined(engine, services, "王小明", 501)
    async with sessions() as session, session.begin():
        ids = await _ids(session)
        await office.mark_left(session, ids["孙悦"], "转学", clock.now())
        assert await broadcasts.count_audience(session, parse_audience("role:学生")) == 2
    school, count = await _send(sessions, clock, "school:山西大学附属中学")
    assert count == 3 and await _recipients(sessions, school) == {"张丽", "王小明", "刘思源"}
    subject, _ = await _send(sessions, clock, "subject:物理学")
    assert await _recipients(sessions, subject) == {"李明教授", "王小明"}  # 孙悦 has left
    role, _ = await _send(sessions, clock, "role:mentor")
    assert await _recipients(sessions, role) == {"李明教授", "赵华教授"}
    everyone, count = await _send(sessions, clock, "everyone")
    assert count == 7

    async with sessions() as session, session.begin():  # a double tap: nothing more goes out
        again = await broadcasts.send(session, school, render=render, due_at=clock.now(), now=clock.now())
        assert again is None
        queued = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                        .where(OutboxMessage.dedupe_key.like(f"broadcast:{school}:%")))).scalar()
        assert queued == 3
        await session.execute(text("UPDATE outbox SET status = 'sent' WHERE dedupe_key = :k"),
                              {"k": f"broadcast:{school}:{ids['王小明']}"})
    async with sessions() as session:
        report = await broadcasts.report(session, school)
    assert report.counts[Delivery.SENT] == 1 and report.names[Delivery.NOT_JOINED] == sorted(["张丽", "刘思源"])
    assert report.total == 3


async def test_alumni_hear_only_alumni_broadcasts(sessions, clock, calendar):
    await import_roster(make_services(sessions, clock, calendar))
    async with sessions() as session, session.begin():
        ids = await _ids(session)
        assert await office.mark_alumni(session, [ids["王小明"]], clock.now()) == 1
    alumni, count = await _send(sessions, clock, "alumni")
    assert count == 1 and await _recipients(sessions, alumni) == {"王小明"}
    everyone, _ = await _send(sessions, clock, "everyone")
    assert "王小明" not in await _recipients(sessions, everyone)
    assert parse_audience("alumni").kind is AudienceKind.ALUMNI


async def test_two_taps_at_once_send_one_copy(sessions, clock, calendar):
    await import_roster(make_services(sessions, clock, calendar))
    async with sessions() as session, session.begin():
        draft = await broadcasts.draft(session, author_id=None, kind=BroadcastKind.NOTICE,
                                       audience=parse_audience("role:student"), text="x", now=clock.now())

    async def tap() -> int | None:
        async with sessions() as session, session.begin():
            return await broadcasts.send(session, draft.id, render=render, due_at=clock.now(), now=clock.now())

    results = await asyncio.gather(tap(), tap())
    assert sorted(results, key=lambda r: r is None) == [3, None]
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar() == 3


async def test_a_plan_is_approved_revised_and_the_student_keeps_seeing_the_approved_one(sessions, clock, calendar):
    await import_roster(make_services(sessions, clock, calendar))
    content = PlanContent("掌握电磁学实验", "《费曼物理学讲义》", "石墨烯电阻", {3: 4, 4: 3, 5: 3})
    async with sessions() as session, session.begin():
        ids = await _ids(session)
        plan, draft = await plans.draft_for(session, student_id=ids["王小明"], year=2026, author_id=ids["李明教授"],
                                            now=clock.now())
        plans.write(plan, draft, content, ids["李明教授"], clock.now())
        plans.submit(plan, draft, clock.now())
        with pytest.raises(NotAllowed):
            await plans.draft_for(session, student_id=ids["王小明"], year=2026, author_id=ids["李明教授"],
                                  now=clock.now())
        assert await plans.of_mentor(session, plan.id, ids["赵华教授"]) is None  # not his student
        assert await plans.of_mentor(session, plan.id, ids["李明教授"]) is not None
    async with sessions() as session, session.begin():
        await plans.decide(session, plan_id=plan.id, office_id=ids["王主任"], approve=True, reason=None,
                           now=clock.now())
    async with sessions() as session, session.begin():
        with pytest.raises(NotAllowed):  # a second tap finds it decided
            await plans.decide(session, plan_id=plan.id, office_id=ids["王主任"], approve=False, reason="x",
                               now=clock.now())
        plan, revision = await plans.draft_for(session, student_id=ids["王小明"], year=2026,
                                               author_id=ids["李明教授"], now=clock.now())
        assert revision.number == 2 and revision.topic == "石墨烯电阻"
        plans.write(plan, revision, PlanContent("x", "y", "新课题", {6: 10}), ids["李明教授"], clock.now())
        plans.submit(plan, revision, clock.now())
        await plans.decide(session, plan_id=plan.id, office_id=ids["王主任"], approve=False,
                           reason="请补充阅读书目", now=clock.now())
    async with sessions() as session:
        seen = await plans.approved_for_student(session, ids["王小明"], 2026)
        assert (seen.number, seen.topic) == (1, "石墨烯电阻")
        versions = await plans.history(session, plan.id)
        assert [(v.number, v.status, v.reason) for v in versions] == [
            (2, PlanStatus.RETURNED.value, "请补充阅读书目"), (1, PlanStatus.APPROVED.value, None)]
        assert (await session.execute(select(func.count()).select_from(TrainingPlanVersion))).scalar() == 2


async def test_annual_results_are_corrected_in_place_and_audited(sessions, clock, calendar):
    await import_roster(make_services(sessions, clock, calendar))
    ratings = {d: Rating.GOOD for d in Dimension}
    async with sessions() as session, session.begin():
        ids = await _ids(session)
        _, created = await annual.record_result(session, student_id=ids["王小明"], year=2026, ratings=ratings,
                                                outcome=Outcome.QUALIFIED, international=False, note="",
                                                office_id=ids["王主任"], now=clock.now())
        assert created
        result, created = await annual.record_result(session, student_id=ids["王小明"], year=2026,
                                                     ratings=ratings, outcome=Outcome.EXCELLENT, international=True,
                                                     note="国际交流候选", office_id=ids["王主任"], now=clock.now())
        assert not created and (result.outcome, result.international_candidate) == ("excellent", True)
        await audit.record(session, action=AuditAction.RESULT, actor="王主任", actor_id=ids["王主任"],
                           target="王小明", now=clock.now(), outcome="excellent")
        file = {"file_id": "F1", "file_name": "课题报告.pdf", "size": 1000}
        material = await annual.hand_in(session, student_id=ids["王小明"], year=2026,
                                        kind=MaterialKind.RESEARCH_REPORT, file=file, now=clock.now())
        assert not await annual.take_back(session, material.id, ids["刘思源"], clock.now())  # not hers
    async with sessions() as session:
        entries, total = await audit.recent(session, 0, 10)
        assert total == 1 and (entries[0].actor, entries[0].action, entries[0].details) == (
            "王主任", "result", {"outcome": "excellent"})
        assert [m.file_name for m in await annual.materials_of(session, ids["王小明"], 2026)] == ["课题报告.pdf"]




async def test_mydata_holds_what_is_stored_about_a_student_and_nothing_of_others(sessions, clock, calendar):
    import json

    from program.growth_log import ActivityKind
    from storage import logs, mydata

    await import_roster(make_services(sessions, clock, calendar))
    async with sessions() as session, session.begin():
        ids = await _ids(session)
        today = clock.now().date()
        await logs.file_log(session, student_id=ids["王小明"], kind=ActivityKind.READING, activity_date=today,
                            did="读了《费曼物理学讲义》", learned="", next_steps="", hours=1,
                            files=[{"kind": "document", "file_id": "F", "file_name": "笔记.pdf"}], session_id=None,
                            now=clock.now())
        await logs.file_log(session, student_id=ids["刘思源"], kind=ActivityKind.READING, activity_date=today,
                            did="别人的日志", learned="", next_steps="", hours=1, files=[], session_id=None,
                            now=clock.now())
    async with sessions() as session:
        found = await mydata.about(session, ids["王小明"])
    text = json.dumps(found, ensure_ascii=False)
    assert found["person"]["name"] == "王小明" and found["person"]["roles"] == ["student"]
    assert [log["did"] for log in found["growth_logs"]] == ["读了《费曼物理学讲义》"]
    assert found["growth_logs"][0]["attachments"][0]["file_name"] == "笔记.pdf"
    assert {s["name"] for s in found["supervised_by"]} == {"李明教授", "张丽"}
    assert "别人的日志" not in text and "F" not in [a.get("file_id") for a in found["growth_logs"][0]["attachments"]]


async def test_evaluation_history_shows_submissions_and_later_changes_and_drafts_only_on_request(
        sessions, clock, calendar):
    from datetime import timedelta

    from program.evaluations import EvaluationKind
    from storage import evaluations

    await import_roster(make_services(sessions, clock, calendar))
    async with sessions() as session, session.begin():
        ids = await _ids(session)
        mentor = ids["李明教授"]
        evaluation = await evaluations.start(session, student_id=ids["王小明"], mentor_id=mentor,
                                             kind=EvaluationKind.INITIAL, year=2026, now=clock.now())
        await evaluations.answer(session, evaluation, "status", "good", mentor, clock.now())
        await evaluations.answer(session, evaluation, "topic", "石墨烯", mentor, clock.now())
        clock.advance(timedelta(minutes=5))
        await evaluations.submit(session, evaluation, mentor, clock.now())
        clock.advance(timedelta(days=1))
        await evaluations.answer(session, evaluation, "topic", "石墨烯电阻", mentor, clock.now())
        await evaluations.submit(session, evaluation, mentor, clock.now())
    async with sessions() as session:
        shown, total = await evaluations.history_page(session, 0, 10)
        everything, all_total = await evaluations.history_page(session, 0, 10, drafts=True)
        second_page, _ = await evaluations.history_page(session, 2, 2, drafts=True)
    assert [(c.action, c.new_value) for c, *_ in shown] == [("resubmit", None), ("answer", "石墨烯电阻"),
                                                           ("submit", None)]
    assert (total, all_total) == (3, 5) and len(everything) == 5
    assert [c.action for c, *_ in second_page] == ["submit", "answer"]
