"""The rehearsal clock: YINGCAI_CLOCK (and the sandbox's jumps) move program time for every process of a deployment.

The first process that sees a new YINGCAI_CLOCK anchors it in the database; every later `yingcai`
command, a restart and the other workers go on from that anchor at normal speed, so they all agree on
"now". Setting another value starts the rehearsal over.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from program.clock import Clock, SettableClock, SystemClock
from storage import program_clock

SANDBOX = "sandbox"
_command_clock: Clock = SystemClock()


def command_clock() -> Clock:
    """The program clock of this `yingcai` command: real time, or the rehearsal anchored by `anchor_command`."""
    return _command_clock


async def anchor_command(settings: Settings) -> None:
    """Called once by `yingcai` before a command runs: the rehearsal clock when YINGCAI_CLOCK is set."""
    global _command_clock
    from storage.db import create_engine, migrate, session_factory

    if settings.clock is None:
        _command_clock = SystemClock()
        return
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        _command_clock = await program_clock_for(settings, session_factory(engine))
    finally:
        await engine.dispose()


async def program_clock_for(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Clock:
    """Real time, unless YINGCAI_CLOCK asks for a rehearsal."""
    if settings.clock is None:
        return SystemClock()
    clock = SettableClock()
    await follow_rehearsal(clock, settings, sessions)
    return clock


async def follow_rehearsal(clock: SettableClock, settings: Settings, sessions: async_sessionmaker[AsyncSession],
                           *, restore_any: bool = False) -> bool:
    """Sets `clock` to the anchored rehearsal time; `restore_any`: also to a clock the sandbox moved last time."""
    real = datetime.now(UTC)
    async with sessions() as session, session.begin():
        if settings.clock is not None:
            offset = await program_clock.anchor(session, settings.clock.isoformat(), settings.clock - real, real)
        else:
            found = await program_clock.stored(session) if restore_any else None
            if found is None:
                return False
            offset = found[1]
    clock.set(datetime.now(UTC) + offset)
    return True


async def remember_jump(clock: Clock, sessions: async_sessionmaker[AsyncSession]) -> None:
    """The sandbox moved its clock: anchor it like a rehearsal, so a restart (or another command) goes on from there."""
    real = datetime.now(UTC)
    async with sessions() as session, session.begin():
        await program_clock.store(session, SANDBOX, clock.now() - real, real)
