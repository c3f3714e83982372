"""Simultaneous taps: two bot workers act on one row at the same moment; nothing is lost, nobody is misled.

On PostgreSQL each worker has its own connection pool (as two processes would), and a rendezvous makes
both read before either writes. On SQLite the workers share the one connection production uses, which
queues them: the same stories must still hold there.
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers.kit.wizard import GoTo
from handlers.views.links import EditLog
from storage import chats, evaluations, invites, logs
from storage.db import create_engine, session_factory
from storage.models import Account, Evaluation, EvaluationChange, GrowthLog, OutboxMessage, Person, Supervision
from tests.conftest import at
from tests.helpers import Chat, import_roster, invite_code, joined, make_engine, make_services
from tests.security.races import Rendezvous, wait_only_where_it_can_race

ROSTER = """name,role,school,subject,grade,mentor,teacher
李明教授,mentor,山西大学,物理学,,,
赵华教授,mentor,山西大学,数学,,,
张丽,teacher,山西大学附属中学,,,,
周敏,teacher,山西大学附属中学,,,,
王小明,student,山西大学附属中学,物理学,高一,李明教授；赵华教授,张丽
"""
BROKE = "出了点问题"
ALREADY = "这篇日志已经审核过了"
CHANGED = "学生在你打开列表之后修改了这篇日志"


@pytest.fixture
async def pair(database_url, clock, calendar, monkeypatch):
    """Two workers: on PostgreSQL with separate pools; on SQLite sharing the single connection."""
    wait_only_where_it_can_race(monkeypatch, database_url)
    first = create_engine(database_url)
    second = create_engine(database_url) if database_url.startswith("postgresql") else first
    one = make_services(session_factory(first), clock, calendar)
    other = make_services(session_factory(second), clock, calendar)
    await import_roster(one, ROSTER)
    async with one.sessions() as session, session.begin():  # 周敏 co-teaches 王小明 with 张丽
        ids = {p.name: p.id for p in (await session.execute(select(Person))).unique().scalars()}
        session.add(Supervision(student_id=ids["王小明"], supervisor_id=ids["周敏"], relation="teacher"))
    yield (make_engine(one), one), (make_engine(other), other)
    await first.dispose()
    await second.dispose()


async def file_log(student: Chat, did: str = "原来的内容") -> int:
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await student.send(did)
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.press("去核对")
    await student.press("提交")
    return await stored_log_id(student)


async def stored_log_id(chat: Chat) -> int:
    async with chat.engine.services.sessions() as session:
        return (await session.execute(select(GrowthLog.id).order_by(GrowthLog.id.desc()))).scalars().first()


async def stored(services, model, *where):  # noqa: ANN001, ANN002, ANN201
    async with services.sessions() as session:
        return list((await session.execute(select(model).where(*where))).unique().scalars())


def said(screens: list) -> str:
    return "\n".join(s.text for s in screens)


async def test_two_teachers_confirm_and_send_back_one_log_at_once(pair, monkeypatch):
    (engine_a, services), (engine_b, _) = pair
    student = await joined(engine_a, services, "王小明", 1001)
    zhang = await joined(engine_a, services, "张丽", 3001)
    zhou = await joined(engine_b, services, "周敏", 3002)
    log_id = await file_log(student)
    await zhang.send("/confirm")
    await zhou.send("/confirm")
    await zhou.press("↩️ 退回 #1")
    Rendezvous().after(monkeypatch, logs, "log_at_school")
    confirmed, sent_back = await asyncio.gather(zhang.press("✅ 确认 #1"), zhou.send("请写清楚讨论了什么"))
    notices = await stored(services, OutboxMessage, OutboxMessage.kind.in_(["log_confirmed", "log_rejected"]))
    assert len(notices) == 1, [n.text for n in notices]  # the student hears one verdict, never both
    log = (await stored(services, GrowthLog, GrowthLog.id == log_id))[0]
    assert log.status == {"log_confirmed": "confirmed", "log_rejected": "rejected"}[notices[0].kind]
    won_confirm, won_back = "✅ 已确认：" in said(confirmed), "已退回" in said(sent_back)
    assert won_confirm != won_back, (said(confirmed), said(sent_back))  # exactly one teacher is told it worked
    loser = said(sent_back) if won_confirm else said(confirmed)
    assert ALREADY in loser and BROKE not in loser, loser  # and the other is told someone else was first


async def test_two_teachers_confirm_one_log_at_once(pair, monkeypatch):
    (engine_a, services), (engine_b, _) = pair
    student = await joined(engine_a, services, "王小明", 1001)
    zhang = await joined(engine_a, services, "张丽", 3001)
    zhou = await joined(engine_b, services, "周敏", 3002)
    await file_log(student)
    await zhang.send("/confirm")
    await zhou.send("/confirm")
    Rendezvous().after(monkeypatch, logs, "log_at_school")
    replies = await asyncio.gather(zhang.press("✅ 确认 #1"), zhou.press("✅ 确认 #1"))
    notices = await stored(services, OutboxMessage, OutboxMessage.kind == "log_confirmed")
    assert len(notices) == 1  # one "confirmed" notice, not two
    assert sorted(ALREADY in said(r) for r in replies) == [False, True], [said(r) for r in replies]


async def test_a_teacher_confirms_while_the_student_saves_an_edit(pair, monkeypatch):
    (engine_a, services), (engine_b, _) = pair
    student = await joined(engine_b, services, "王小明", 1001)
    zhang = await joined(engine_a, services, "张丽", 3001)
    log_id = await file_log(student)
    await zhang.send("/confirm")
    await student.press(payload=EditLog(log_id).pack())
    await student.press("修改某项")
    await student.press("做了什么")
    await student.press("清空重写")
    await student.send("改过的内容")
    await student.press("下一步")
    meeting = Rendezvous()
    meeting.after(monkeypatch, logs, "log_at_school")
    meeting.after(monkeypatch, logs, "own_log")
    confirmed, saved = await asyncio.gather(zhang.press("✅ 确认 #1"), student.press("保存修改"))
    log = (await stored(services, GrowthLog, GrowthLog.id == log_id))[0]
    if log.status == "confirmed":  # the teacher was first: the student's change is refused, not slipped in
        assert log.did == "原来的内容" and "不能再修改" in said(saved) and "✅ 已确认：" in said(confirmed)
    else:  # the student was first: the teacher is shown the new text instead of approving it unseen
        assert log.did == "改过的内容" and "修改已保存" in said(saved) and CHANGED in said(confirmed)
    assert BROKE not in said(saved) + said(confirmed)


async def test_two_co_mentors_answer_different_questions_at_once(pair, monkeypatch, clock):
    (engine_a, services), (engine_b, _) = pair
    clock.set(at("2026-04-03 10:00"))
    li = await joined(engine_a, services, "李明教授", 2001)
    zhao = await joined(engine_b, services, "赵华教授", 2002)
    wang = (await stored(services, Person, Person.name == "王小明"))[0]
    await li.press(payload=f"ev:open:initial:{wang.id}")
    await li.press("良好")  # question 1; 李明 is now at question 2
    await zhao.press(payload=f"ev:open:initial:{wang.id}")
    evaluation = (await stored(services, Evaluation))[0]
    await zhao.press(payload=GoTo("q3").pack("ev"))  # 赵华 goes to question 3, the topic
    Rendezvous().after(monkeypatch, evaluations, "of_mentor")
    await asyncio.gather(li.send("按计划参加培养，积极主动。"), zhao.send("二维材料中的电子输运"))
    answers = (await stored(services, Evaluation))[0].answers
    assert answers == {"status": "good", "status_note": "按计划参加培养，积极主动。", "topic": "二维材料中的电子输运"}
    history = await stored(services, EvaluationChange, EvaluationChange.evaluation_id == evaluation.id)
    assert sorted(c.field for c in history) == ["status", "status_note", "topic"]


async def test_two_co_mentors_open_a_new_evaluation_at_once(pair, monkeypatch, clock):
    (engine_a, services), (engine_b, _) = pair
    clock.set(at("2026-04-03 10:00"))
    li = await joined(engine_a, services, "李明教授", 2001)
    zhao = await joined(engine_b, services, "赵华教授", 2002)
    wang = (await stored(services, Person, Person.name == "王小明"))[0]
    Rendezvous().after(monkeypatch, evaluations, "get")
    replies = await asyncio.gather(li.press(payload=f"ev:open:initial:{wang.id}"),
                                   zhao.press(payload=f"ev:open:initial:{wang.id}"))
    assert all("培养状态" in said(r) and BROKE not in said(r) for r in replies), [said(r) for r in replies]
    assert len(await stored(services, Evaluation)) == 1


async def test_two_phones_open_one_invite_link_at_once(pair, monkeypatch):
    (engine_a, services), (engine_b, _) = pair
    code = await invite_code(services, "王小明")
    Rendezvous().after(monkeypatch, invites, "find")
    replies = await asyncio.gather(Chat(engine_a, 1001).send(f"/start {code}"),
                                   Chat(engine_b, 1002).send(f"/start {code}"))
    assert sorted("欢迎" in said(r) for r in replies) == [False, True], [said(r) for r in replies]
    assert any("已经被使用过" in said(r) for r in replies) and BROKE not in said(replies[0]) + said(replies[1])
    assert len(await stored(services, Account)) == 1


async def test_a_double_tap_on_submit_reaching_two_workers_files_one_log(pair, monkeypatch):
    (engine_a, services), (engine_b, _) = pair
    student = await joined(engine_a, services, "王小明", 1001)
    await student.send("/log")
    await student.press("阅读")
    await student.press("今天")
    await student.send("读了一章")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.press("去核对")
    submit = student.find("提交").payload
    Rendezvous().after(monkeypatch, chats, "account_and_state")  # where the engine reads the state
    replies = await asyncio.gather(student.press(payload=submit), Chat(engine_b, 1001).press(payload=submit))
    assert len(await stored(services, GrowthLog)) == 1
    assert sorted("已提交" in said(r) for r in replies) == [False, True], [said(r) for r in replies]


def test_two_processes_confirm_one_log_at_once(postgres_database, tmp_path, clock, calendar):
    """The same race between two operating-system processes, each with its own engine and connections."""
    url = postgres_database

    async def prepare() -> int:
        engine = create_engine(url)
        async with engine.begin() as connection:  # a clean database, as the database_url fixture gives
            from sqlalchemy import text

            from storage.models import Base
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        services = make_services(session_factory(engine), clock, calendar)
        await import_roster(services, ROSTER)
        async with services.sessions() as session, session.begin():
            ids = {p.name: p.id for p in (await session.execute(select(Person))).unique().scalars()}
            session.add(Supervision(student_id=ids["王小明"], supervisor_id=ids["周敏"], relation="teacher"))
        bot = make_engine(services)
        student = await joined(bot, services, "王小明", 1001)
        for name, user in (("张丽", 3001), ("周敏", 3002)):
            await joined(bot, services, name, user)
        log_id = await file_log(student)
        await engine.dispose()
        return log_id

    log_id = asyncio.run(prepare())
    payload = f"tch:ok:{log_id}:1"  # the log as filed: version 1
    root = Path(__file__).resolve().parents[2]
    workers = [subprocess.Popen([sys.executable, "-m", "tests.security.race_worker", url, str(user), payload,
                                 clock.now().isoformat(), str(tmp_path)], cwd=root, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for user in (3001, 3002)]
    results = [worker.communicate(timeout=60) for worker in workers]
    assert all(w.returncode == 0 for w in workers), [err[-2000:] for _, err in results]
    replies = ["\n".join(json.loads(out)) for out, _ in results]
    assert sorted(ALREADY in r for r in replies) == [False, True], replies
    assert len(list(tmp_path.glob("read-*"))) == 2  # both processes really read before either wrote

    async def notices() -> int:
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            found = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "log_confirmed")))
            count = len(found.scalars().all())
        await engine.dispose()
        return count

    assert asyncio.run(notices()) == 1
