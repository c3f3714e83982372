"""YINGCAI_CLOCK: every `yingcai` command runs on the rehearsal clock, and later commands go on from its anchor."""
from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.cli import main
from storage import program_clock
from storage.db import create_engine, session_factory
from storage.models import Person, WindowOverride
from tests.helpers import ROSTER_CSV

REHEARSAL = "2027-04-15T10:00:00+08:00"


@pytest.fixture
def env(monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("YINGCAI_LANG", "zh_CN")
    return database_url


def read(url: str, query):  # noqa: ANN001, ANN201
    async def run():  # noqa: ANN202
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            found = (await session.execute(query)).unique().scalars().all()
        await engine.dispose()
        return found
    return asyncio.run(run())


def anchored_an_hour_ago(url: str, value: str) -> None:
    """As if another process (the running bot) had anchored the rehearsal an hour ago."""
    async def run() -> None:
        engine = create_engine(url)
        real = datetime.now(UTC)
        async with session_factory(engine)() as session, session.begin():
            await program_clock.store(session, value, datetime.fromisoformat(value) - (real - timedelta(hours=1)), real)
        await engine.dispose()
    asyncio.run(run())


def test_every_command_follows_the_rehearsal_clock_and_later_ones_go_on_from_its_anchor(env, monkeypatch, tmp_path,
                                                                                      capsys):
    monkeypatch.setenv("YINGCAI_CLOCK", REHEARSAL)
    (tmp_path / "roster.csv").write_text(ROSTER_CSV, encoding="utf-8")
    assert main(["roster", "import", str(tmp_path / "roster.csv")]) == 0
    [mentor] = read(env, select(Person).where(Person.name == "李明教授"))
    assert mentor.created_at.date() == date(2027, 4, 15)
    assert main(["reopen", "--mentor", "李明教授", "--kind", "initial", "--until", "2027-04-20"]) == 0
    [reopened] = read(env, select(WindowOverride))
    assert (reopened.opens, reopened.program_year) == (date(2027, 4, 15), 2027)
    capsys.readouterr()
    assert main(["outbox"]) == 0
    assert "截至 2027-04-15 10:0" in capsys.readouterr().out

    anchored_an_hour_ago(env, REHEARSAL)
    assert main(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "截至 2027-04-15 11:0" in out and "（演练时钟）" in out, "a later command goes on, it does not start over"

    monkeypatch.setenv("YINGCAI_CLOCK", "2027-07-01T09:00:00+08:00")
    assert main(["outbox"]) == 0
    assert "截至 2027-07-01 09:0" in capsys.readouterr().out, "a new value starts the rehearsal over"

    monkeypatch.delenv("YINGCAI_CLOCK")
    assert main(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "演练时钟" not in out and "2027-07-01" not in out, "without YINGCAI_CLOCK it is real time"


def test_a_clock_without_a_time_zone_is_refused(env, monkeypatch, capsys):
    monkeypatch.setenv("YINGCAI_CLOCK", "2027-04-15T10:00:00")
    assert main(["outbox"]) == 2, "a naive YINGCAI_CLOCK was accepted"
    assert "needs a time zone" in capsys.readouterr().err  # said before anything runs, without a traceback
