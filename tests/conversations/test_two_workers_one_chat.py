"""Two workers receive one student's messages at the same moment: both are kept (the chat is locked per update)."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from storage.db import create_engine, session_factory
from storage.models import ConversationState
from tests.helpers import Chat, joined, make_engine, make_services


async def test_parts_sent_at_once_to_two_workers_are_all_kept(database_url, services, engine, clock, calendar):
    if not database_url.startswith("postgresql"):
        pytest.skip("one SQLite file is served by one process; its single connection already queues transactions")
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press(payload="log:kind:reading")
    await student.press(payload="log:date:today")
    other_database = create_engine(database_url)  # the second worker: its own process, its own connections
    try:
        second = make_engine(make_services(session_factory(other_database), clock, calendar))
        twin = Chat(second, 1001)
        parts = []
        for round_ in range(6):
            pair = (f"第{round_}段甲", f"第{round_}段乙")
            parts += pair
            await asyncio.gather(student.send(pair[0]), twin.send(pair[1]))
    finally:
        await other_database.dispose()
    async with services.sessions() as session:
        state = (await session.execute(select(ConversationState))).scalar_one()
    lines = state.data["log"]["did"].split("\n")
    assert sorted(lines) == sorted(parts), "no part was overwritten by the other worker's write"
