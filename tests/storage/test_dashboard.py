"""The office's overview numbers equal what a clerk would count by hand in the tables."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from program.evaluations import EvaluationKind
from program.growth_log import ActivityKind
from storage import dashboard, evaluations, logs
from storage.models import Person
from tests.conftest import at
from tests.helpers import import_roster, make_services

MORE = """name,role,school,subject,grade,mentor,teacher
李明教授,mentor,山西大学,物理学,,,
赵华教授,mentor,山西大学,数学,,,
张丽,teacher,山西大学附属中学,,,,
陈刚,teacher,山西省实验中学,,,,
王小明,student,山西大学附属中学,物理学,高一,李明教授,张丽
刘思源,student,山西大学附属中学,数学,高二,赵华教授,张丽
孙悦,student,山西省实验中学,物理学,高一,李明教授;赵华教授,陈刚
周宁,student,山西省实验中学,数学,高二,赵华教授,陈刚
吴迪,student,山西省实验中学,数学,高一,赵华教授,陈刚
"""


async def _ids(session) -> dict[str, int]:  # noqa: ANN001
    return dict((await session.execute(select(Person.name, Person.id))).all())


async def test_overview_numbers_match_an_independent_count(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    await import_roster(services, MORE)
    clock.set(at("2026-07-10 10:00"))
    now = clock.now()
    async with sessions() as session, session.begin():
        ids = await _ids(session)
        plan = [  # student, day, kind, status, scheduled session
            ("王小明", date(2026, 3, 1), ActivityKind.MENTOR_MEETING, "confirmed"),
            ("王小明", date(2026, 3, 1), ActivityKind.MENTOR_MEETING, "confirmed"),  # the same session twice
            ("王小明", date(2026, 3, 2), ActivityKind.LECTURE, "confirmed"),
            ("王小明", date(2026, 3, 3), ActivityKind.READING, "submitted"),
            ("王小明", date(2026, 3, 4), ActivityKind.OTHER, "submitted"),
            ("刘思源", date(2026, 4, 1), ActivityKind.SEMINAR, "rejected"),
            ("孙悦", date(2026, 5, 1), ActivityKind.RESEARCH, "confirmed"),
            ("孙悦", date(2026, 5, 2), ActivityKind.RESEARCH, "confirmed"),
            ("孙悦", date(2026, 5, 3), ActivityKind.CAMP, "confirmed"),
            ("孙悦", date(2026, 5, 4), ActivityKind.CAMP, "confirmed"),
            ("周宁", date(2025, 12, 30), ActivityKind.CAMP, "confirmed"),  # last year: does not count
            ("吴迪", date(2026, 6, 1), ActivityKind.SEMINAR, "confirmed"),
        ]
        for name, day, kind, status in plan:
            log = await logs.file_log(session, student_id=ids[name], kind=kind, activity_date=day, did="x",
                                      learned="", next_steps="", hours=1, files=[], session_id=None, now=now)
            log.status = status
        await session.execute(text("UPDATE people SET exited_at = :now WHERE name = '吴迪'"), {"now": now})
        for name in ("王小明", "孙悦"):
            evaluation = await evaluations.start(session, student_id=ids[name], mentor_id=ids["李明教授"],
                                                 kind=EvaluationKind.INITIAL, year=2026, now=now)
            await evaluations.submit(session, evaluation, ids["李明教授"], now)
        await evaluations.start(session, student_id=ids["刘思源"], mentor_id=ids["赵华教授"],
                                kind=EvaluationKind.INITIAL, year=2026, now=now)  # a draft is not done

    async with sessions() as session:
        found = await dashboard.overview(session, calendar.year(2026), date(2026, 7, 10))
        # By hand: distinct (day, kind) of confirmed session-kind logs in 2026, per student.
        counted = dict((await session.execute(text(
            "SELECT p.name, (SELECT COUNT(*) FROM (SELECT DISTINCT g.activity_date, g.kind FROM growth_logs g "
            " WHERE g.student_id = p.id AND g.status = 'confirmed' AND g.kind <> 'other' "
            " AND g.activity_date BETWEEN '2026-01-01' AND '2026-12-31') d) FROM people p "
            "JOIN person_roles r ON r.person_id = p.id AND r.role = 'student'"))).all())
        in_program = set((await session.execute(text(
            "SELECT p.name FROM people p JOIN person_roles r ON r.person_id = p.id AND r.role = 'student' "
            "WHERE p.exited_at IS NULL"))).scalars())
        all_logs = (await session.execute(text(
            "SELECT COUNT(*) FROM growth_logs WHERE kind <> 'other' "  # a diary entry is the student's alone
            "AND activity_date BETWEEN '2026-01-01' AND '2026-12-31'"))).scalar()
        waiting = (await session.execute(text(
            "SELECT COUNT(*) FROM growth_logs WHERE status = 'submitted' AND kind <> 'other' "
            "AND activity_date BETWEEN '2026-01-01' AND '2026-12-31'"))).scalar()
    assert counted == {"王小明": 2, "刘思源": 0, "孙悦": 4, "周宁": 0, "吴迪": 1}
    assert {ids_name: found.confirmed[ids[ids_name]] for ids_name in counted} == counted
    assert found.students == len(in_program) == 4 and found.exited == 1
    assert found.logs == all_logs == 10 and found.waiting == waiting == 1
    # July 10th: 10 * 190 / 364 days → 5 sessions expected; everyone in the program is behind.
    assert found.pace == 5
    assert {n for n, i in ids.items() if i in found.behind} == {n for n in in_program if counted[n] < 5}
    schools = {g.name: g for g in found.by_school}
    assert (schools["山西省实验中学"].students, schools["山西省实验中学"].confirmed) == (2, 4)  # 吴迪 left
    assert schools["山西大学附属中学"].average == 1.0
    assert found.evaluations[EvaluationKind.INITIAL] == 2
    assert found.opened == (EvaluationKind.INITIAL, EvaluationKind.MIDTERM)
    owed = found.outstanding[EvaluationKind.INITIAL]
    assert owed == {ids["赵华教授"]: (ids["刘思源"], ids["周宁"])}  # co-mentor 赵华 shares 孙悦's, submitted
    assert set(found.outstanding[EvaluationKind.MIDTERM][ids["李明教授"]]) == {ids["王小明"], ids["孙悦"]}
