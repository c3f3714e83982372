"""Runs the sandbox in one process and event loop: the emulator, the real bot, the page; stops on Ctrl+C."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Self, TextIO

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from bot.emulator import BotApiEmulator
from bot.rehearsal import follow_rehearsal, remember_jump
from bot.sandbox import demo
from bot.sandbox.config import (
    BOT_ID,
    BOT_NAME,
    BOT_USERNAME,
    HOST,
    TOKEN,
    SandboxConfig,
)
from bot.sandbox.control import Person
from bot.sandbox.dingtalk import DingTalkSide
from bot.sandbox.keeping import Keeper
from bot.sandbox.people import everybody, find_person
from bot.sandbox.server import SandboxServer
from bot.settings import Settings
from program.clock import SettableClock
from program.i18n import Translator

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # the bot's long poll against the emulator; a stop interrupts it at once
OUTBOX_INTERVAL = 1.0  # notices show up in the page within a second
STOP_TIMEOUT = 10.0
_IMPORTED_AT = time.monotonic()


class SandboxError(Exception):
    """The sandbox cannot start; the message says what to change."""


def process_age() -> float:
    """Seconds since this process started (Linux), else since the sandbox module was imported."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat, open("/proc/uptime", encoding="ascii") as uptime:
            started = int(stat.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
            return max(0.0, float(uptime.read().split()[0]) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic() - _IMPORTED_AT


def _same_database(one: str, other: str) -> bool:
    first, second = make_url(one), make_url(other)
    if first.get_backend_name() == second.get_backend_name() == "sqlite":
        return bool(first.database) and os.path.abspath(first.database or "") == os.path.abspath(second.database or "")
    return first.render_as_string(hide_password=False) == second.render_as_string(hide_password=False)


class Sandbox:
    """The emulator, the bot app built by `bot.app.build_app` on a SettableClock, and the page, started together.

    It is the page's `SandboxControl`: the page server sees only that interface, and the emulator.
    """

    def __init__(self, settings: Settings | None = None, config: SandboxConfig | None = None) -> None:
        base = settings or Settings()
        try:
            self.config = config or SandboxConfig()
        except ValidationError as error:
            raise SandboxError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                                         for e in error.errors())) from None
        if _same_database(self.config.database_url, base.database_url):
            raise SandboxError("YINGCAI_SANDBOX_DATABASE is the same as DATABASE_URL; the sandbox keeps its demo "
                               "data apart and never uses the real database.")
        self.base_settings = base
        self.clock = SettableClock()
        # The token is public (it is in the source), so the emulator must refuse what a web page sends it.
        self.emu = BotApiEmulator(token=TOKEN, bot_id=BOT_ID, bot_username=BOT_USERNAME, bot_first_name=BOT_NAME,
                                  browser_guard=True)
        self.dingtalk = DingTalkSide()
        self.boot = uuid.uuid4().hex[:12]
        self.settings: Settings = base
        self.app: App | None = None
        self.url: str | None = None
        self.seeded = 0  # people bound on this start (0: the demo was already there)
        self.ready_after: float | None = None  # seconds from start() to the page answering
        self._stop = asyncio.Event()
        self._bot_task: asyncio.Task | None = None
        self._web: web.AppRunner | None = None
        self.keeper = Keeper(self.config.state_dir)

    @property
    def services(self):
        assert self.app is not None, "the sandbox is not started"
        return self.app.services

    @property
    def bot_task(self) -> asyncio.Task | None:
        return self._bot_task

    async def start(self) -> str:
        began = time.monotonic()
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise
        self.ready_after = time.monotonic() - began
        assert self.url is not None
        return self.url

    async def _start(self) -> None:
        self._restore_clock()
        await self.emu.start(HOST, 0)
        await self.dingtalk.emu.__aenter__()
        demo.register_demo_photos(self.emu)
        self.keeper.restore_files(self.emu.files)
        self.settings = self.base_settings.model_copy(update={
            "bot_token": TOKEN, "bot_username": BOT_USERNAME, "telegram_api_url": self.emu.url,
            "database_url": self.config.database_url, "poll_timeout": POLL_TIMEOUT,
            "outbox_interval": OUTBOX_INTERVAL, **self.dingtalk.settings()})
        self.app = await build_app(self.settings, clock=self.clock)
        # The page's clock is a rehearsal clock like YINGCAI_CLOCK: anchored in the database, so a restart
        # (and any `yingcai` command on the sandbox database) goes on from the last jump.
        await follow_rehearsal(self.clock, self.settings, self.app.services.sessions, restore_any=True)
        first_start = not await demo.is_seeded(self.app.services)
        if not first_start:
            await demo.reconnect(self.app.services, self.emu)  # chats exist before the outbox delivers again
        await self.app.start()
        self._stop = asyncio.Event()
        self._bot_task = asyncio.create_task(self.app.run(self._stop), name="sandbox-bot")
        if first_start:
            self.seeded = await demo.seed(self.app.services, self.emu)
        runner = web.AppRunner(SandboxServer(self, self.emu).make_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._web = runner
        try:
            await web.TCPSite(runner, HOST, self.config.port).start()
        except OSError as error:
            raise SandboxError(f"cannot listen on {HOST}:{self.config.port} ({error.strerror or error}); "
                               "set YINGCAI_SANDBOX_PORT to a free port.") from None
        port = runner.addresses[0][1]
        self.url = f"http://{HOST}:{port}"

    async def stop(self) -> None:
        """Stops the bot first (it confirms its last updates to the emulator), then the emulator and the page."""
        self._stop.set()
        if self._bot_task is not None:
            try:
                await asyncio.wait_for(self._bot_task, STOP_TIMEOUT)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("the bot did not stop within %ss", STOP_TIMEOUT)
            except Exception:
                log.exception("the sandbox bot stopped with an error")
            self._bot_task = None
        if self.app is not None:
            self.keep_files()
            await self.app.close()
            self.app = None
        await self.emu.stop()  # also ends the page's pending long polls
        await self.dingtalk.emu.__aexit__(None, None, None)
        if self._web is not None:
            await self._web.cleanup()
            self._web = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- what the page may ask (bot.sandbox.control.SandboxControl) ---------------------------------

    @property
    def engine(self) -> str:
        return self.settings.bot_engine

    @property
    def database_label(self) -> str:
        return self.config.database_label

    @property
    def zone(self) -> tzinfo:
        return self.services.zone

    async def people(self) -> list[Person]:
        return await everybody(self.services)

    async def person(self, user_id: int) -> Person | None:
        return await find_person(self.services, user_id)

    def files_changed(self) -> None:
        self.keep_files()

    async def channel_of(self, user_id: int) -> str:
        return await self.dingtalk.channel_of(self.services, user_id)

    async def switch_channel(self, user_id: int, channel: str) -> None:
        await self.dingtalk.switch(self.services, user_id, channel, self.clock.now())

    # ---- the clock --------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    async def set_clock(self, moment: datetime | None) -> None:
        """Moves the sandbox clock (None: back to real time), then runs what became due."""
        self.clock.set(moment or datetime.now(UTC))
        await self.clock_changed()

    async def clock_changed(self) -> None:
        """After a jump: remember it, and run the scheduler's jobs now: the sweeps follow the clock."""
        if self.app is None:
            return
        await remember_jump(self.clock, self.app.services.sessions)
        scheduler = self.app.jobs.scheduler
        if scheduler.running:
            for job in scheduler.get_jobs():
                job.modify(next_run_time=datetime.now(UTC))
        else:
            await self.app.jobs.sweep()
            await self.app.jobs.deliver()

    def _restore_clock(self) -> None:
        offset = self.keeper.clock_offset()
        if offset is not None:
            self.clock.set(datetime.now(UTC) + timedelta(seconds=offset))

    def keep_files(self) -> None:
        """Writes files sent through the page beside the database, for the next start."""
        self.keeper.keep_files(self.emu.files, skip=demo.DEMO_PHOTO_IDS)


async def run_sandbox(settings: Settings, t: Translator, *, out: TextIO = sys.stdout,
                      config: SandboxConfig | None = None) -> int:
    """`yingcai sandbox`, and `yingcai run` without BOT_TOKEN: start, print where to look, wait for Ctrl+C."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # its job bookkeeping would bury the address
    try:
        sandbox = Sandbox(settings, config)
        print(t("Starting the local sandbox (demo data, nothing goes to Telegram)…"), file=out, flush=True)
        await sandbox.start()
    except SandboxError as error:
        print(t("The sandbox could not start: %(error)s", error=str(error)), file=sys.stderr)
        return 2
    ready = process_age()
    assert sandbox.url is not None
    lines = [
        "",
        t("Local sandbox of the 英才计划 assistant is running: open %(url)s in your browser.", url=sandbox.url),
        t("It is the real bot (%(engine)s) talking to a Telegram emulator on this computer, with a demo program. "
          "Nothing is sent to Telegram.", engine=sandbox.settings.bot_engine),
        t("Sandbox database: %(path)s (delete it to start again with fresh demo data).",
          path=sandbox.config.database_label),
        t("Ready %(seconds).1f s after start (%(what)s).", seconds=ready,
          what=t("demo program seeded") if sandbox.seeded else t("demo data from an earlier run")),
        t("To run the real bot on Telegram, set BOT_TOKEN. Press Ctrl+C to stop."),
        "",
    ]
    print("\n".join(lines), file=out, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    stopping = asyncio.ensure_future(stop.wait())
    try:
        watched = {stopping} | ({sandbox.bot_task} if sandbox.bot_task else set())
        done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        code = 0 if stopping in done else 1
        if code:
            print(t("The bot stopped unexpectedly; see the log above."), file=sys.stderr)
    finally:
        stopping.cancel()
        await sandbox.stop()
    print(t("Sandbox stopped."), file=out, flush=True)
    return code
