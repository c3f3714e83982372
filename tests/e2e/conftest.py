"""End-to-end: the real bot over real HTTP against an emulator: Telegram (aiogram, ptb) or DingTalk (Stream mode)."""
from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.app import App, build_app
from bot.dingtalk_emulator import DingTalkEmulator
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from program.clock import SettableClock
from storage.db import create_engine
from storage.models import Base, ChannelUser
from tests.e2e.phones import DingTalkPhone, TelegramPhone
from tests.helpers import import_roster, invite_code

TOKEN = "123456:TEST-token"
CHANNELS = ["aiogram", "ptb", "dingtalk"]


@dataclass
class World:
    """An emulator, people with phones, and the bot process (which a test may restart)."""

    emu: Any
    settings: Settings
    clock: SettableClock
    channel: str
    app: App | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task | None = None
    _users: int = 1000
    listen: socket.socket | None = None  # webhook mode: the address Telegram POSTs to, bound by the test

    async def start_bot(self) -> App:
        self.app = await build_app(self.settings, clock=self.clock, listen=self.listen.dup() if self.listen else None)
        await self.app.start()
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.app.run(self._stop))
        if self.channel == "dingtalk":
            opened = self.emu.opened
            assert await self.emu.wait_until(lambda: self.emu.opened > opened and self.emu.connections, 10)
        return self.app

    async def stop_bot(self) -> None:
        """A clean stop, as on Ctrl+C."""
        if self.app is None:
            return
        self._stop.set()
        await asyncio.wait_for(self._task, 10)
        await self.app.close()
        self.app = None

    async def restart_bot(self) -> App:
        await self.stop_bot()
        return await self.start_bot()

    @property
    def services(self):  # noqa: ANN201
        assert self.app is not None
        return self.app.services

    def stranger(self, name: str = "路人") -> Any:
        """Somebody who is not on the roster opens the chat."""
        self._users += 1
        if self.channel == "dingtalk":
            return self._ding_phone(f"staff{self._users}", name)
        return TelegramPhone(self.emu.user(user_id=self._users, first_name=name, language_code="zh-hans"))

    async def person(self, name: str) -> Any:
        """Somebody from the roster joins with their invite: the Telegram link, or the code sent on DingTalk."""
        phone = self.stranger(name)
        code = await invite_code(self.services, name)
        if self.channel == "dingtalk":
            await phone.send_text(code)
        else:
            await phone.send_command("start", code)
        return phone

    def _ding_phone(self, staff_id: str, nick: str) -> DingTalkPhone:
        user = self.emu.user(staff_id, nick)

        async def number() -> int:
            async with self.services.sessions() as session:
                return (await session.execute(select(ChannelUser.id).where(
                    ChannelUser.key == f"{self.emu.corp_id}:{staff_id}"))).scalar_one()

        return DingTalkPhone(user, lambda: self.services, number)

    async def deliver_outbox(self) -> int:
        """Runs the scheduler's outbox job now instead of waiting for its interval."""
        assert self.app is not None
        return await self.app.jobs.deliver()


@contextlib.asynccontextmanager
async def running_world(channel: str, database_url: str, clock: SettableClock):
    if channel == "dingtalk":
        emulator: Any = DingTalkEmulator(disconnect_grace=0.5)
        settings = dict(DINGTALK_CLIENT_ID=emulator.client_id, DINGTALK_CLIENT_SECRET=emulator.client_secret,
                        BOT_CHANNELS="dingtalk")
    else:
        emulator = BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot",
                                  bot_first_name="英才计划助手")
        settings = dict(BOT_TOKEN=TOKEN, BOT_ENGINE=channel, BOT_CHANNELS="telegram", YINGCAI_POLL_TIMEOUT=2)
    async with emulator as emu:
        endpoint = dict(DINGTALK_OPENAPI_ENDPOINT=emu.url) if channel == "dingtalk" else dict(TELEGRAM_API_URL=emu.url)
        world = World(emu, Settings(**settings, **endpoint, DATABASE_URL=database_url, YINGCAI_OUTBOX_INTERVAL=0.3),
                      clock, channel)
        await world.start_bot()
        await import_roster(world.services)
        try:
            yield world
        finally:
            await world.stop_bot()


@pytest.fixture(params=CHANNELS)
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def world(engine_name: str, database_url: str, clock: SettableClock):
    async with running_world(engine_name, database_url, clock) as world:
        yield world


@pytest.fixture(params=["aiogram", "ptb"])
async def telegram_world(request: pytest.FixtureRequest, database_url: str, clock: SettableClock):
    """Telegram's own refusals (flood control, blocked bots) are tested against its emulator."""
    async with running_world(request.param, database_url, clock) as world:
        yield world


@pytest.fixture
async def dingtalk_world(sqlite_url: str, clock: SettableClock):
    async with running_world("dingtalk", sqlite_url, clock) as world:
        yield world


def webhook_settings(emu: BotApiEmulator, listen: socket.socket, **values: object) -> Settings:
    port = listen.getsockname()[1]
    return Settings(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emu.url, WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/updates",
                    WEBHOOK_LISTEN=f"127.0.0.1:{port}", BOT_CHANNELS="telegram", YINGCAI_OUTBOX_INTERVAL=0.3,
                    YINGCAI_SHUTDOWN_GRACE=5, **values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def webhook_running(engine: str, database_url: str, clock: SettableClock):
    """A Telegram world where Telegram POSTs each update to the bot's webhook instead of the bot polling."""
    listen = socket.create_server(("127.0.0.1", 0))
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot",
                              bot_first_name="英才计划助手") as emu:
        world = World(emu, webhook_settings(emu, listen, BOT_ENGINE=engine, DATABASE_URL=database_url), clock,
                      engine, listen=listen)
        await world.start_bot()
        await import_roster(world.services)
        try:
            yield world
        finally:
            await world.stop_bot()
            listen.close()


@pytest.fixture(params=["aiogram", "ptb"])
def telegram_engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def webhook_world(telegram_engine: str, database_url: str, clock: SettableClock):
    async with webhook_running(telegram_engine, database_url, clock) as world:
        yield world


@pytest.fixture
def pg_url(postgres_database: str) -> str:
    """PostgreSQL only (several processes, network faults), wiped clean for the test."""
    async def wipe() -> None:
        engine = create_engine(postgres_database)
        async with engine.begin() as connection:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()

    asyncio.run(wipe())
    return postgres_database
