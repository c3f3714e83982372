"""One bot worker process for the two-process race: presses one button on the shared PostgreSQL database.

Run as `python -m tests.security.race_worker URL USER_ID PAYLOAD MOMENT FOLDER`; prints the reply texts as JSON.
"""
from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path

from handlers.kit import Incoming
from program.calendar import load_calendar
from program.clock import SettableClock
from storage import logs
from storage.db import create_engine, session_factory
from tests.helpers import make_engine, make_services
from tests.security.races import FileRendezvous


async def press(url: str, user_id: int, payload: str, moment: str, folder: Path) -> list[str]:
    engine = create_engine(url)
    try:
        services = make_services(session_factory(engine), SettableClock(datetime.fromisoformat(moment), frozen=True),
                                 load_calendar())
        FileRendezvous(folder).after(logs, "log_at_school")
        incoming = Incoming(user_id=user_id, chat_id=user_id, language="zh-hans", payload=payload, message_id=1,
                            update_id=10_000 + user_id)
        reply = await make_engine(services).handle(incoming)
        return [screen.text for screen in reply.screens]
    finally:
        await engine.dispose()


if __name__ == "__main__":
    url, user, payload, moment, folder = sys.argv[1:6]
    print(json.dumps(asyncio.run(press(url, int(user), payload, moment, Path(folder))), ensure_ascii=False))
