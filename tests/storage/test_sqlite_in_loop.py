"""The bot's SQLite connection runs each statement where it is awaited, with no thread hand-off, and still waits
for another process's write lock instead of failing."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import text

from storage.db import create_engine, migrate, session_factory
from storage.sqlite_inloop import InLoopConnection


async def test_statements_run_on_the_loops_thread_and_no_thread_is_started(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    threads_before = threading.active_count()
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert isinstance(raw.driver_connection, InLoopConnection)
            threads: list[int] = []
            raw.driver_connection._conn.create_function("thread_of", 0, lambda: threads.append(
                threading.get_ident()) or 1)
            assert (await connection.execute(text("SELECT thread_of()"))).scalar_one() == 1
            assert threads == [threading.get_ident()]
            assert threading.active_count() == threads_before
    finally:
        await engine.dispose()
    assert threading.active_count() == threads_before


async def test_a_write_waits_for_another_process_holding_the_lock_and_then_lands(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a `yingcai` command in the middle of a write
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        async with session_factory(engine)() as session, session.begin():
            await session.execute(text("INSERT INTO processed_updates (scope, update_id, processed_at) "
                                       "VALUES ('telegram:1', 7, '2026-12-01 10:00:00')"))
        waited = time.monotonic() - started
        async with session_factory(engine)() as session:
            stored = (await session.execute(text("SELECT update_id FROM processed_updates"))).scalars().all()
    finally:
        release.join()
        other.close()
        await engine.dispose()
    assert stored == [7]
    assert waited >= 0.25  # it waited for the lock (busy timeout) rather than failing with "database is locked"
