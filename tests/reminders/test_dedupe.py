"""Two sweeps at once (two tasks; two processes on PostgreSQL) write each reminder once, and neither fails."""
from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from program.clock import SettableClock
from scheduler.sweeper import Sweeper
from storage.db import create_engine
from storage.models import OutboxMessage
from tests.conftest import at
from tests.reminders.crowd import crowd
from tests.reminders.sweep_child import BARRIER

ROOT = Path(__file__).resolve().parents[2]
SEVEN_DAYS_BEFORE_THE_END = "2027-12-24 09:05"  # everyone owes the end of training: one reminder each


async def keys(sessions) -> Counter:  # noqa: ANN001
    async with sessions() as session:
        return Counter((await session.execute(select(OutboxMessage.dedupe_key))).scalars())


async def test_two_sweeps_at_once_write_each_reminder_once(sessions, calendar):
    await crowd(sessions, 200, at("2027-02-01 10:00"))
    clock = SettableClock(at(SEVEN_DAYS_BEFORE_THE_END), frozen=True)
    first, second = Sweeper(sessions, clock, calendar), Sweeper(sessions, clock, calendar)
    await asyncio.gather(first.sweep(), second.sweep())
    written = [first.written["deadline:training_end"], second.written["deadline:training_end"]]
    found = await keys(sessions)
    assert sum(written) == 200 and max(found.values()) == 1 and len(found) >= 200
    await first.sweep()
    assert first.written["deadline:training_end"] == 0 and await keys(sessions) == found


async def test_two_processes_sweeping_at_once_on_postgresql_write_each_reminder_once(postgres_database, calendar):
    url = postgres_database
    engine = create_engine(url)
    async with engine.begin() as connection:
        from storage.models import Base

        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    from storage.db import session_factory

    sessions = session_factory(engine)
    await crowd(sessions, 1000, at("2027-02-01 10:00"))
    async with engine.connect() as barrier:
        await barrier.execute(text(f"SELECT pg_advisory_lock({BARRIER})"))
        children = [await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.reminders.sweep_child", url, at(SEVEN_DAYS_BEFORE_THE_END).isoformat(),
            cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for _ in range(2)]
        for _ in range(300):  # until both children wait at the barrier (bounded: 30 s)
            waiting = (await barrier.execute(text(
                f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {BARRIER} "
                "AND NOT granted"))).scalar_one()
            if waiting == 2:
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the two sweeping processes never reached the barrier")
        await barrier.execute(text(f"SELECT pg_advisory_unlock({BARRIER})"))
        await barrier.commit()
        outputs = [await asyncio.wait_for(child.communicate(), 60) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err.decode()[-2000:]
    written = [json.loads(out.decode().strip().splitlines()[-1])["deadline:training_end"] for out, _ in outputs]
    async with sessions() as session:
        rows = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.kind == "deadline"))).scalar_one()
    found = await keys(sessions)
    await engine.dispose()
    assert rows == 1000 and sum(written) == 1000 and max(found.values()) == 1
