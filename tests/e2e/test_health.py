"""Health: /readyz says "not ready" while PostgreSQL is unreachable and recovers after; no update is lost meanwhile."""
from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from bot.emulator import BotApiEmulator
from program.clock import SettableClock
from tests.e2e.conftest import TOKEN, World, webhook_settings
from tests.helpers import import_roster


class Relay:
    """A TCP hop between the bot and PostgreSQL that a test can cut, as a network failure would."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        if self._server is not None and self._server.is_serving():
            return
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()
        await self._server.wait_closed()

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def readiness(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(url + "/readyz") as response:
        return response.status, await response.json()


@pytest.fixture
async def relayed_world(pg_url: str, telegram_engine: str, clock: SettableClock):
    """On PostgreSQL: the outage is a cut network connection (SQLite is a file inside the process)."""
    relay = Relay(("127.0.0.1", 5432))
    await relay.start()
    url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{relay.port}")
    listen = socket.create_server(("127.0.0.1", 0))
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        world = World(emu, webhook_settings(emu, listen, BOT_ENGINE=telegram_engine, DATABASE_URL=url), clock,
                      telegram_engine, listen=listen)
        await world.start_bot()
        await import_roster(world.services)
        try:
            yield world, relay
        finally:
            await relay.start()  # the same port again, so the bot can close its connections
            await world.stop_bot()
            listen.close()


async def test_readyz_fails_while_the_database_is_down_and_the_update_waits_for_it(relayed_world):
    world, relay = relayed_world
    base = world.app.http.url
    student = await world.person("王小明")
    assert await readiness(base) == (200, {"ready": True, "problems": []})
    await relay.cut()
    status, body = await readiness(base)
    assert status == 503 and any("database does not answer" in p for p in body["problems"])
    update_id = await student.send_command("progress", wait=False)
    for _ in range(100):  # until Telegram was refused at least twice (bounded: 10 s)
        if world.emu.webhook.statuses(update_id).count(500) >= 2:
            break
        await asyncio.sleep(0.1)
    assert world.emu.webhook.statuses(update_id)[:2] == [500, 500]
    await relay.start()
    for _ in range(100):  # until ready again (bounded: 10 s)
        if (await readiness(base))[0] == 200:
            break
        await asyncio.sleep(0.1)
    assert (await readiness(base))[0] == 200
    await world.emu.wait_confirmed(update_id, timeout=30)
    assert world.emu.webhook.statuses(update_id)[-1] == 200
    assert "0/10" in student.last.text, "the redelivered update was handled once the database was back"
    assert sum("出了点问题" in m.text for m in student.messages) <= 1, "told once, not at every retry"
