"""A chat's state is written by one UPDATE of the row locked for the update; the loaded row then says what is
stored, and the commit writes nothing more."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select

from storage import chats, plumbing
from storage.models import ConversationState


async def test_a_state_write_is_one_update_and_the_loaded_row_says_what_is_stored(db, sessions) -> None:
    before, after = datetime(2026, 11, 20, 2, tzinfo=UTC), datetime(2026, 11, 20, 3, tzinfo=UTC)
    async with sessions() as session, session.begin():
        session.add(ConversationState(channel="telegram", external_id=42, flow="log", step="did",
                                      data={"log": {"kind": "reading"}}, updated_at=before))
    statements: list[str] = []
    event.listen(db.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    async with sessions() as session, session.begin():
        _account, row = await chats.account_and_state(session, "telegram", 42)
        assert row is not None
        statements.clear()
        await plumbing.save_state(session, row, "telegram", 42, "log", "learned",
                                  {"log": {"kind": "reading", "did": "读了第一章"}}, after, shown=[["下一步"]])
        assert (row.step, row.data["log"]["did"], row.shown) == ("learned", "读了第一章", [["下一步"]])
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("UPDATE"), statements
    async with sessions() as session:
        stored = (await session.execute(select(ConversationState))).scalar_one()
    assert (stored.flow, stored.step, stored.data, stored.shown) == (
        "log", "learned", {"log": {"kind": "reading", "did": "读了第一章"}}, [["下一步"]])
    assert stored.updated_at == after
