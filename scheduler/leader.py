"""One process sweeps and delivers: the holder of a PostgreSQL advisory lock; another takes over when it dies.

Why a leader and not a limiter shared through Redis: Telegram's limit (≈30 messages a second) is one
budget for the whole bot, which one process spends easily, and a leader needs nothing beyond the
PostgreSQL the workers already share. The lock lives on a connection of its own, so it is released the
moment the leader's process dies (its socket closes) and a standby's next try takes it. Rows the dead
leader had claimed are released by the new one, so at most the one message that was on the wire when
it died can go out twice. Other workers wake the leader with NOTIFY when they queue a message.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import runtime
from storage.db import session_factory

log = logging.getLogger(__name__)
CHANNEL = "yingcai_outbox"  # NOTIFY channel: "something was queued"


class Leadership:
    """Tries for the leader lock every `retry` seconds; runs `on_gain` when it gets it, `on_loss` if it is lost."""

    def __init__(self, engine: AsyncEngine, *, on_gain: Callable[[], Awaitable[None]], on_loss: Callable[[], None],
                 wake: Callable[[], None], retry: float = 5.0) -> None:
        self.engine, self.on_gain, self.on_loss, self.wake, self.retry = engine, on_gain, on_loss, wake, retry
        self.leading = False
        self._connection: AsyncConnection | None = None
        self._postgres = engine.dialect.name == "postgresql"

    async def try_once(self) -> bool:
        """One attempt (start-up makes it at once, so a lone process leads from its first moment)."""
        if self.leading:
            return await self._still_leading()
        connection = await self.engine.connect()
        try:
            if await runtime.try_lead(connection):
                await connection.commit()  # a session-level lock outlives this transaction
                if self._postgres:
                    self._connection = connection
                    await self._listen(connection)
                else:
                    await connection.close()  # SQLite: one process, nothing to hold (and one pooled connection)
                self.leading = True
                async with session_factory(self.engine)() as session, session.begin():
                    released = await runtime.release_stale_claims(session)
                log.info("this process now sweeps and delivers%s",
                         f" (released {released} message(s) claimed by the previous leader)" if released else "")
                await self.on_gain()
                return True
        except Exception as error:  # noqa: BLE001 - the database is away: try again later
            log.warning("could not try for leadership: %s", error)
            self.leading = False
            self._connection = None
        await connection.close()
        return False

    async def _still_leading(self) -> bool:
        if not self._postgres:
            return True
        try:
            assert self._connection is not None
            await asyncio.wait_for(self._connection.execute(text("SELECT 1")), self.retry)
            await self._connection.commit()
            return True
        except Exception as error:  # noqa: BLE001 - the lock went with the connection
            log.warning("lost the leader's database connection (%s); stopping sweeps and delivery", error)
            await self._drop()
            return False

    async def _drop(self) -> None:
        self.leading = False
        self.on_loss()
        if self._connection is not None:
            try:
                await self._connection.invalidate()
            except Exception:  # noqa: BLE001
                pass
            self._connection = None

    async def _listen(self, connection: AsyncConnection) -> None:
        if not self._postgres:
            return
        raw: Any = (await connection.get_raw_connection()).driver_connection
        await raw.add_listener(CHANNEL, lambda *_: self.wake())

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.try_once()
            try:
                await asyncio.wait_for(stop.wait(), self.retry)
            except asyncio.TimeoutError:
                pass

    async def resign(self) -> None:
        """On shutdown: let a standby take over at its next try."""
        if self._connection is not None:
            try:
                await self._connection.close()
            except Exception:  # noqa: BLE001
                pass
            self._connection = None
        self.leading = False

    async def poke(self) -> None:
        """Something was queued: the leader delivers now (here, or in another process through NOTIFY)."""
        if self.leading:
            self.wake()
        elif self._postgres:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
                await connection.commit()
