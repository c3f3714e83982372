"""One sweep in a process of its own, started by the dedupe test; waits at a PostgreSQL lock so two start together."""
from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from sqlalchemy import text

from program.calendar import load_calendar
from program.clock import SettableClock
from scheduler.sweeper import Sweeper
from storage.db import create_engine, session_factory

BARRIER = 7_007  # the test holds this advisory lock until both children are waiting for it


async def main(url: str, moment: str) -> None:
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.execute(text(f"SELECT pg_advisory_lock_shared({BARRIER})"))
        await connection.execute(text(f"SELECT pg_advisory_unlock_shared({BARRIER})"))
    sweeper = Sweeper(session_factory(engine), SettableClock(datetime.fromisoformat(moment), frozen=True),
                      load_calendar())
    await sweeper.sweep()
    await engine.dispose()
    print(json.dumps(sweeper.written))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
