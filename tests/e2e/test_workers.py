"""Several bot processes on one PostgreSQL, as deployed: real subprocesses behind a webhook, killed and stopped."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.emulator import BotApiEmulator
from program.calendar import load_calendar
from program.clock import SystemClock
from program.roster import parse_roster, read_table
from storage import outbox
from storage.db import create_engine, session_factory
from storage.models import Account, ConversationState, OutboxMessage, Person, ProcessedUpdate
from storage.roster import apply_roster
from tests.helpers import ROSTER_CSV, invite_code, make_services

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:WORKERS-test"
PATH = "/telegram/updates"


def environment(emu: BotApiEmulator, url: str, **values: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_", "YINGCAI_", "PROMETHEUS"))}
    return {**base, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.url, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
            "BOT_USERNAME": "yingcai_test_bot", "YINGCAI_OUTBOX_INTERVAL": "0.5", **values}


async def spawn(env: dict[str, str], *args: str, listen: socket.socket | None = None) -> asyncio.subprocess.Process:
    extra = {"YINGCAI_LISTEN_FD": str(listen.fileno())} if listen is not None else {}
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, env={**env, **extra}, cwd=ROOT,
                                                pass_fds=(listen.fileno(),) if listen is not None else (),
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await asyncio.wait_for(process.wait(), 30)


async def ready(port: int, process: asyncio.subprocess.Process) -> None:
    """Until /readyz answers 200 (bounded: 60 s); a worker that died says why."""
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            if process.returncode is not None:
                raise AssertionError((await process.stderr.read()).decode()[-3000:])  # type: ignore[union-attr]
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"the worker on port {port} never became ready")


async def seed(url: str, roster: str = ROSTER_CSV) -> None:
    engine = create_engine(url)
    services = make_services(session_factory(engine), SystemClock(), load_calendar())
    async with services.sessions() as session, session.begin():
        await apply_roster(session, parse_roster(read_table(roster.encode(), "r.csv")).rows, SystemClock().now())
    await engine.dispose()


async def code_for(url: str, name: str) -> str:
    engine = create_engine(url)
    try:
        return await invite_code(make_services(session_factory(engine), SystemClock(), load_calendar()), name)
    finally:
        await engine.dispose()


def bound() -> socket.socket:
    return socket.create_server(("127.0.0.1", 0), backlog=128)


async def test_two_workers_take_one_chats_updates_in_turns_and_keep_their_order(pg_url):
    await seed(pg_url)
    first, second = bound(), bound()
    ports = [s.getsockname()[1] for s in (first, second)]
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        env = environment(emu, pg_url, WEBHOOK_URL=f"http://127.0.0.1:{ports[0]}{PATH}")
        workers = [await spawn({**env, "WEBHOOK_LISTEN": f"127.0.0.1:{port}"}, "run", listen=listen)
                   for port, listen in zip(ports, (first, second), strict=True)]
        try:
            for port, worker in zip(ports, workers, strict=True):
                await ready(port, worker)
            emu.webhook.upstreams = [f"http://127.0.0.1:{port}{PATH}" for port in ports]  # nginx, round robin
            student = emu.user(2001, "王小明")
            student.timeout = 30
            await student.send_command("start", await code_for(pg_url, "王小明"))
            await student.send_command("log")
            await student.press(callback_data="log:kind:reading")
            await student.press(callback_data="log:date:today")
            parts = [f"第{i}段" for i in range(1, 9)]
            sent = [await student.send_text(part, wait=False) for part in parts]  # faster than the bot answers
            await emu.wait_confirmed(sent[-1], timeout=60)
        finally:
            for worker in workers:
                await stop(worker)
    engine = create_engine(pg_url)
    async with session_factory(engine)() as session:
        state = (await session.execute(select(ConversationState))).scalar_one()
    await engine.dispose()
    assert state.data["log"]["did"] == "\n".join(parts)
    served = {d.url for d in emu.webhook.deliveries if d.update_id in sent and d.status == 200}
    assert len(served) == 2, "both workers handled some of the parts"


async def test_sigterm_with_updates_in_flight_commits_and_acknowledges_them_all(pg_url):
    await seed(pg_url)
    listen = bound()
    port = listen.getsockname()[1]
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        env = environment(emu, pg_url, WEBHOOK_URL=f"http://127.0.0.1:{port}{PATH}",
                          WEBHOOK_LISTEN=f"127.0.0.1:{port}")
        supervisor = await spawn(env, "run", "--workers", "2", listen=listen)
        try:
            await ready(port, supervisor)
            students = []
            for user_id, name in ((3001, "王小明"), (3002, "刘思源"), (3003, "孙悦")):
                students.append(emu.user(user_id, name))
                await students[-1].send_command("start", await code_for(pg_url, name), timeout=30)
            emu.set_latency(1.5, method="sendMessage")  # every reply now takes a while: updates are in flight
            mark = len(emu.calls_to("sendMessage"))
            sent = [await s.send_command("progress", wait=False) for s in students]
            for _ in range(300):  # until all three are being answered (bounded: 30 s)
                if len(emu.calls_to("sendMessage")) - mark >= 3:
                    break
                await asyncio.sleep(0.1)
            supervisor.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(supervisor.wait(), 40)
        finally:
            await stop(supervisor)
        err = (await supervisor.stderr.read()).decode()  # type: ignore[union-attr]
    assert code == 0, err[-3000:]
    assert all(emu.webhook.statuses(update_id)[-1] == 200 for update_id in sent), emu.webhook.deliveries[-6:]
    assert emu.confirmed_offset > max(sent), "acknowledged, so Telegram will not send them again"
    assert all(any("📈" in m.text for m in s.messages) for s in students), "each got their progress"
    engine = create_engine(pg_url)
    async with session_factory(engine)() as session:
        handled = set((await session.execute(select(ProcessedUpdate.update_id))).scalars())
    await engine.dispose()
    assert set(sent) <= handled


async def test_sigterm_while_the_workers_are_still_starting_stops_them_cleanly(pg_url):
    """A deploy that is stopped at once (a quick rollback) must not read as a crash: exit 0, no killed worker."""
    await seed(pg_url)
    listen = bound()
    port = listen.getsockname()[1]
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        env = environment(emu, pg_url, WEBHOOK_URL=f"http://127.0.0.1:{port}{PATH}",
                          WEBHOOK_LISTEN=f"127.0.0.1:{port}")
        supervisor = await spawn(env, "run", "--workers", "2", listen=listen)
        try:
            first = await asyncio.wait_for(supervisor.stderr.readline(), 30)  # type: ignore[union-attr]
            assert b"2 workers on" in first, first
            await asyncio.sleep(0.2)  # the workers are importing the bot, long before they take an update
            supervisor.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(supervisor.wait(), 40)
        finally:
            await stop(supervisor)
        err = (await supervisor.stderr.read()).decode()  # type: ignore[union-attr]
    assert code == 0, err[-3000:]
    assert "exited with" not in err, err[-3000:]


def roster_of(students: int) -> str:
    lines = ["name,role,school,subject,grade,mentor,teacher", "李明教授,mentor,山西大学,物理学,,,",
             "张丽,teacher,山西大学附属中学,,,,"]
    lines += [f"学生{i:02d},student,山西大学附属中学,物理学,高一,李明教授,张丽" for i in range(students)]
    return "\n".join(lines) + "\n"


async def queue_notices(url: str, count: int) -> None:
    """`count` students who joined, each with one notice waiting in the outbox (a mentor's fan-out)."""
    engine = create_engine(url)
    now = SystemClock().now()
    async with session_factory(engine)() as session, session.begin():
        people = (await session.execute(select(Person).where(Person.name.like("学生%")))).unique().scalars().all()
        assert len(people) == count
        for person in people:
            session.add(Account(person_id=person.id, channel="telegram", external_id=4000 + person.id,
                                chat_id=4000 + person.id, language_code="zh-hans", bound_at=now))
        await session.flush()
        for person in people:
            await outbox.enqueue(session, person_id=person.id, kind="session", dedupe_key=f"fanout:{person.id}",
                                 text=f"读书会通知 {person.name}", buttons=[], due_at=now - timedelta(minutes=1),
                                 now=now)
    await engine.dispose()


async def test_killing_the_delivery_leader_mid_fan_out_loses_nothing_and_doubles_at_most_one(pg_url):
    count = 40
    await seed(pg_url, roster_of(count))
    await queue_notices(pg_url, count)
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        engine = create_engine(pg_url)
        async with session_factory(engine)() as session:
            chats = list((await session.execute(select(Account.chat_id))).scalars())
        for chat in chats:
            emu.user(chat, f"学生{chat}")
        emu.set_latency(0.05, method="sendMessage")

        def notices(chat: int) -> list:  # the fan-out's messages (the leader's sweeps may add reminders)
            return [m for m in emu.chat_messages(chat) if "读书会通知" in m.text]

        env = environment(emu, pg_url)
        leader = await spawn(env, "scheduler")
        standby = None
        try:
            for _ in range(900):  # until the fan-out is under way (bounded: 90 s)
                if sum(len(notices(chat)) for chat in chats) >= 5:
                    break
                await asyncio.sleep(0.1)
            leader.send_signal(signal.SIGSTOP)  # frozen mid fan-out, its lock still held, while the standby starts
            standby = await spawn(env, "scheduler")
            for _ in range(900):  # until the standby asked who it is: it tries for the lock next (bounded)
                if len(emu.calls_to("getMe")) >= 2:
                    break
                await asyncio.sleep(0.1)
            sent_before_kill = sum(len(notices(chat)) for chat in chats)
            leader.send_signal(signal.SIGKILL)
            await leader.wait()
            assert 5 <= sent_before_kill < count, "the leader was killed mid fan-out"
            for _ in range(600):  # until every student got the notice (bounded: 60 s)
                if all(notices(chat) for chat in chats):
                    break
                await asyncio.sleep(0.1)
            for _ in range(100):  # until the last send is also recorded as sent (bounded: 10 s)
                async with session_factory(engine)() as session:
                    statuses = list((await session.execute(select(OutboxMessage.status).where(
                        OutboxMessage.dedupe_key.like("fanout:%")))).scalars())
                if statuses == ["sent"] * count:
                    break
                await asyncio.sleep(0.1)
        finally:
            await stop(leader)
            if standby is not None:
                await stop(standby)
        await engine.dispose()
    received = [len(notices(chat)) for chat in chats]
    assert min(received) == 1, "nobody was left out"
    assert sum(received) - count <= 1, f"at most one message sent twice, not {sum(received) - count}"
    assert statuses == ["sent"] * count
