"""End-to-end: the real bot (aiogram or python-telegram-bot) over real HTTP against the Bot API emulator."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from bot.app import App, build_app
from bot.emulator import BotApiEmulator, FakeUser
from bot.settings import Settings
from program.clock import SettableClock
from tests.helpers import import_roster, invite_code

TOKEN = "123456:TEST-token"


@dataclass
class World:
    """A Bot API emulator, people with phones, and the bot process (which a test may restart)."""

    emu: BotApiEmulator
    settings: Settings
    clock: SettableClock
    app: App | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task | None = None
    _users: int = 1000

    async def start_bot(self) -> App:
        self.app = await build_app(self.settings, clock=self.clock)
        await self.app.start()
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.app.run(self._stop))
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

    async def person(self, name: str, *, language: str = "zh-hans") -> FakeUser:
        """Somebody from the roster opens their invite link on their phone."""
        self._users += 1
        user = self.emu.user(user_id=self._users, first_name=name, language_code=language)
        await user.send_command("start", await invite_code(self.services, name))
        return user

    async def deliver_outbox(self) -> int:
        """Runs the scheduler's outbox job now instead of waiting for its interval."""
        assert self.app is not None
        return await self.app.jobs.deliver()


@pytest.fixture(params=["aiogram", "ptb"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def world(engine_name: str, database_url: str, clock: SettableClock):
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot",
                              bot_first_name="英才计划助手") as emu:
        settings = Settings(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emu.url, BOT_ENGINE=engine_name,
                            DATABASE_URL=database_url, YINGCAI_POLL_TIMEOUT=2, YINGCAI_OUTBOX_INTERVAL=0.3)
        world = World(emu, settings, clock)
        await world.start_bot()
        await import_roster(world.services)
        try:
            yield world
        finally:
            await world.stop_bot()
