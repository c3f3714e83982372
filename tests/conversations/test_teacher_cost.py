"""What a teacher's ✅ costs: it reads through indexes only, whatever the size of the program."""
from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import event, select

from storage.db import create_engine, session_factory
from storage.models import GrowthLog
from tests.helpers import Chat, import_roster, joined, make_engine, make_services

# A whole-table read of these grows with the national program (100,000 students, 1,000,000 logs).
BIG_TABLES = ("people", "supervisions", "growth_logs", "person_roles", "accounts")
WHOLE_TABLE = re.compile(rf"\bSCAN ({'|'.join(BIG_TABLES)})\b")


async def file(student: Chat) -> int:
    await student.send("/log")
    for step in ("阅读", "今天"):
        await student.press(step)
    await student.send("读了一章")
    for step in ("下一步", "跳过", "跳过"):
        await student.press(step)
    await student.send("1")
    for step in ("去核对", "提交"):
        await student.press(step)
    async with student.engine.services.sessions() as session:
        return (await session.execute(select(GrowthLog.id).order_by(GrowthLog.id.desc()))).scalars().first()


@pytest.fixture
async def sqlite_school(sqlite_url, clock, calendar):
    engine = create_engine(sqlite_url)
    services = make_services(session_factory(engine), clock, calendar)
    await import_roster(services)
    yield engine, services
    await engine.dispose()


async def test_a_teachers_confirm_never_reads_a_whole_table(sqlite_school, sqlite_url):
    """The rule "their students and the school's unassigned ones" once read every supervision and every person."""
    engine, services = sqlite_school
    bot = make_engine(services)
    student, teacher = await joined(bot, services, "王小明", 1001), await joined(bot, services, "张丽", 3001)
    await file(student)
    await teacher.send("/confirm")
    ran: list[tuple[str, tuple]] = []
    listen = lambda _c, _cur, statement, parameters, *_: ran.append((statement, tuple(parameters or ())))  # noqa: E731
    event.listen(engine.sync_engine, "before_cursor_execute", listen)
    try:
        await teacher.press("✅ 确认 #1")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listen)
    assert "已确认" in teacher.said(2), teacher.said(2)
    database = sqlite3.connect(sqlite_url.split("///", 1)[1])
    try:
        scans = {}
        for statement, parameters in ran:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                plan = "\n".join(row[-1] for row in database.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
                if WHOLE_TABLE.search(plan):
                    scans[statement[:300]] = plan
    finally:
        database.close()
    assert not scans, scans


def counting(engine) -> list[str]:  # noqa: ANN001
    """The SQL statements the engine runs from now on (transaction control aside)."""
    ran: list[str] = []

    def count(_connection, _cursor, statement: str, *_: object) -> None:  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            ran.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    return ran


async def test_a_teachers_confirm_and_the_list_it_redraws_cost_a_few_statements(db, sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    await import_roster(services)
    bot = make_engine(services)
    student, teacher = await joined(bot, services, "王小明", 1001), await joined(bot, services, "张丽", 3001)
    await file(student)
    await file(student)
    await teacher.send("/confirm")
    ran = counting(db)
    await teacher.press("✅ 确认 #1")
    assert "✅ 已确认：王小明" in teacher.last and "#1 王小明" in teacher.said(2), teacher.said(2)
    teacher.find("✅ 确认 #2")  # the redrawn list still offers the other log
    # the chat's claim and state, the log with its student's name, the review, the student's count, the list
    # redrawn with its total, the notice's language and the notice itself
    assert len(ran) <= 8, "\n".join(s[:160] for s in ran)
