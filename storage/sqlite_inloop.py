"""SQLite run on the event loop's own thread: aiosqlite's interface without its thread hop per statement.

aiosqlite hands every call (execute, fetch, commit) to a worker thread and wakes the event loop when it is done:
about half the CPU of a log step on SQLite went to those hand-offs (bench/throughput.py), for statements that
take microseconds. The bot keeps one SQLite connection per process (storage/db.py), so a statement never waits
for another of its own; here it simply runs where it is awaited. The cost: a statement waiting for another
*process's* write lock (a `yingcai` command importing a roster, a separate scheduler) holds the event loop until
the lock is free or the busy timeout ends, where with aiosqlite only the work that needed the database waited.
PostgreSQL, for anything larger, is unaffected.
"""
from __future__ import annotations

import sqlite3
from functools import partial
from typing import Any

import aiosqlite


class InLoopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run when awaited; its worker thread is never started."""

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InLoopConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Any:
        return self._connect().__await__()

    def stop(self) -> None:  # nothing to wait for: no thread
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def connect(database: Any, *, iter_chunk_size: int = 64, **kwargs: Any) -> InLoopConnection:
    """`aiosqlite.connect`'s signature; the connection may be used from whichever thread runs the loop."""
    kwargs["check_same_thread"] = False
    return InLoopConnection(partial(sqlite3.connect, database, **kwargs), iter_chunk_size)
