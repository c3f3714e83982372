"""The office acts from the command line: a broadcast with preview and report, an event with RSVPs in the chat,
a plan returned and approved, a result the student is told, a student moved, one who left, alumni."""
from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import select

from bot.cli import main
from handlers.kit import Services
from program.plans import PlanContent
from storage import plans
from storage.db import create_engine, session_factory
from storage.models import AuditEntry, OutboxMessage, Person, Supervision
from tests.helpers import ROSTER_CSV, joined, make_engine


@pytest.fixture
def env(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_USERNAME", "yingcai_demo_bot")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("YINGCAI_LANG", "zh_CN")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 0
    return database_url


def db(url: str, work):  # noqa: ANN001, ANN201 - runs `work(session)` in one transaction
    async def run():  # noqa: ANN202
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()
    return asyncio.run(run())


def outbox(url: str) -> list[tuple[str, str, str]]:
    async def rows(session):  # noqa: ANN001, ANN202
        found = await session.execute(select(Person.name, OutboxMessage.kind, OutboxMessage.text)
                                      .join(Person, Person.id == OutboxMessage.person_id).order_by(OutboxMessage.id))
        return [tuple(r) for r in found]
    return db(url, rows)


def test_a_broadcast_is_previewed_then_sent_to_exactly_the_school(env, capsys):
    capsys.readouterr()
    notice = "周六 9:00 在山大物理楼开营 <请带学生证>"
    assert main(["broadcast", "--to", "school:山西大学附属中学", "--text", notice]) == 0
    out = capsys.readouterr().out
    assert "管理办公室通知" in out and "<请带学生证>" in out and "收件人：3 人" in out and "没有发送" in out
    assert outbox(env) == []
    assert main(["broadcast", "--to", "school:山西大学附属中学", "--text", notice, "--yes"]) == 0
    number = re.search(r"--report (\d+)", capsys.readouterr().out).group(1)
    sent = outbox(env)
    assert sorted(name for name, _, _ in sent) == ["刘思源", "张丽", "王小明"]
    assert all(kind == "broadcast" and "&lt;请带学生证&gt;" in text for _, kind, text in sent)
    assert main(["broadcast", "--report", number]) == 0
    report = capsys.readouterr().out
    assert "已发送 0" in report and "未加入 3" in report and "刘思源、张丽、王小明" in report
    assert main(["broadcast", "--to", "planet:mars", "--text", "x", "--yes"]) == 2
    assert main(["audit"]) == 0 and "发送了群发通知" in capsys.readouterr().out


async def test_an_event_is_answered_in_the_chat_and_only_by_its_recipients(env, clock, calendar, capsys):
    services = Services(sessions=session_factory(create_engine(env)), clock=clock, calendar=calendar)
    engine = make_engine(services)
    wang = await joined(engine, services, "王小明", 601)
    sun = await joined(engine, services, "孙悦", 602)
    capsys.readouterr()
    code = await asyncio.to_thread(main, ["broadcast", "--to", "role:学生", "--text", "物理学术报告：量子霍尔效应",
                                          "--event-at", "2026-12-05 14:00", "--place", "山西大学物理楼 101", "--yes"])
    assert code == 0
    number = re.search(r"--report (\d+)", capsys.readouterr().out).group(1)
    copies = {name: text for name, _, text in await asyncio.to_thread(outbox, env)}
    assert "12月5日（周六）14:00" in copies["王小明"] and "山西大学物理楼 101" in copies["王小明"]
    await wang.press(payload=f"bc:rsvp:{number}:yes")
    assert "你已报名参加" in wang.last
    await sun.press(payload=f"bc:rsvp:{number}:no")
    await sun.press(payload="bc:rsvp:999:yes")  # an event that was never sent to her
    assert "找不到" in sun.screens[-2].text or "找不到" in sun.last
    capsys.readouterr()
    await asyncio.to_thread(main, ["broadcast", "--report", number])
    report = capsys.readouterr().out
    assert "参加（1 人）：王小明" in report and "不参加（1 人）：孙悦" in report


def test_a_plan_is_returned_then_approved_and_the_mentor_is_told(env, capsys):
    async def submit(session):  # noqa: ANN001, ANN202
        ids = dict((await session.execute(select(Person.name, Person.id))).all())
        plan, draft = await plans.draft_for(session, student_id=ids["王小明"], year=2026,
                                            author_id=ids["李明教授"], now=_now())
        plans.write(plan, draft, PlanContent("目标", "书目", "课题", {3: 10}), ids["李明教授"], _now())
        plans.submit(plan, draft, _now())
    db(env, submit)
    capsys.readouterr()
    assert main(["plans", "--year", "2026"]) == 0 and "王小明" in capsys.readouterr().out
    assert main(["plans", "--year", "2026", "--return", "王小明"]) == 2  # a reason is needed
    assert main(["plans", "--year", "2026", "--return", "王小明", "--reason", "请补充阅读书目"]) == 0
    assert main(["plans", "--year", "2026", "--approve", "王小明"]) == 2  # it is back with the mentor
    told = [(name, text) for name, kind, text in outbox(env) if kind == "plan_decision"]
    assert told == [("李明教授", told[0][1])] and "请补充阅读书目" in told[0][1]


def test_results_moves_leaving_and_alumni(env, capsys):
    assert main(["result", "--student", "王小明", "--ratings", "优秀,良好,合格,良好", "--outcome", "优秀",
                 "--international", "--year", "2026"]) == 0
    assert main(["result", "--student", "王小明", "--ratings", "优秀,良好", "--outcome", "优秀"]) == 2
    assert main(["result", "--student", "王小明", "--ratings", "优秀,良好,合格,良好", "--outcome", "很好"]) == 2
    told = [text for name, kind, text in outbox(env) if kind == "annual_result"]
    assert len(told) == 1 and "优秀" in told[0] and "培养证书" in told[0] and "国际" in told[0]
    assert main(["move", "--student", "王小明", "--mentor", "赵华教授"]) == 0
    assert main(["move", "--student", "王小明", "--teacher", "陈刚"]) == 2  # 陈刚 teaches at another school
    assert main(["leave", "--student", "刘思源", "--reason", "出国交流"]) == 0
    assert main(["alumni"]) == 0 and "2 " in capsys.readouterr().out.splitlines()[-1]

    async def check(session):  # noqa: ANN001, ANN202
        ids = dict((await session.execute(select(Person.name, Person.id))).all())
        mentors = (await session.execute(select(Supervision.supervisor_id).where(
            Supervision.student_id == ids["王小明"], Supervision.relation == "mentor"))).scalars().all()
        people = {p.name: p for p in (await session.execute(select(Person))).unique().scalars()}
        actions = (await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars().all()
        return mentors == [ids["赵华教授"]], people, actions
    moved, people, actions = db(env, check)
    assert moved
    assert people["刘思源"].exit_reason == "出国交流" and people["刘思源"].alumni_at is None
    assert people["王小明"].alumni_at is not None and people["孙悦"].alumni_at is not None
    assert actions == ["import", "result", "move", "leave", "alumni"]


def _now():  # noqa: ANN202
    from program.clock import SystemClock
    return SystemClock().now()
