"""Loaded by the bot process of bench/floor.py only (on its PYTHONPATH): the engine's floor.

The first update runs the real engine and its reply is kept; every later one runs only the three statements a log
step needs (claim the update id, read the state with the account, write the state), in SQLAlchemy Core on the
bot's own engine and transaction, and answers the kept reply. What is left is the channel, the runtime and the
database layer: no ORM, no routing, no rendering.
"""
from __future__ import annotations

import os

if os.environ.get("YINGCAI_BENCH_FLOOR"):
    from sqlalchemy import text

    from handlers import engine as _engine

    _real = _engine.Engine.handle
    _CLAIM = text("INSERT INTO processed_updates (scope, update_id, processed_at) VALUES (:scope, :update_id, :now) "
                  "ON CONFLICT DO NOTHING")
    _LOAD = text("SELECT s.flow, s.step, s.data, a.person_id, p.name, r.role FROM conversation_states s "
                 "LEFT JOIN accounts a ON a.channel = s.channel AND a.external_id = s.external_id "
                 "LEFT JOIN people p ON p.id = a.person_id LEFT JOIN person_roles r ON r.person_id = p.id "
                 "WHERE s.channel = :channel AND s.external_id = :external_id")
    _SAVE = text("UPDATE conversation_states SET data = :data, updated_at = :now "
                 "WHERE channel = :channel AND external_id = :external_id")
    _kept: dict = {}

    async def _floor(self, incoming):  # noqa: ANN001, ANN202
        if "reply" not in _kept:
            _kept["reply"] = await _real(self, incoming)
            return _kept["reply"]
        now, chat = self.services.clock.now(), {"channel": incoming.channel, "external_id": incoming.user_id}
        async with self.services.sessions.kw["bind"].begin() as connection:
            await connection.execute(_CLAIM, {"scope": incoming.update_scope, "update_id": incoming.update_id,
                                              "now": now})
            rows = (await connection.execute(_LOAD, chat)).all()
            await connection.execute(_SAVE, {**chat, "data": rows[0].data, "now": now})
        return _kept["reply"]

    _engine.Engine.handle = _floor
