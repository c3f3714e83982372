"""Shared fixtures: real databases (a SQLite file; PostgreSQL when it answers), clocks, the engine."""
from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from program.calendar import load_calendar
from program.clock import SettableClock
from storage.db import create_engine, migrate, session_factory
from storage.models import Base

SHANGHAI = ZoneInfo("Asia/Shanghai")
PG_ADMIN_URL = os.environ.get("YINGCAI_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def at(text_: str) -> datetime:
    """A moment in the program's zone: at("2026-04-03 10:00")."""
    return datetime.fromisoformat(text_).replace(tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate(engine)
        await engine.dispose()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A throwaway database on the local PostgreSQL, migrated once for the whole run."""
    name = f"yingcai_test_{uuid.uuid4().hex[:10]}"

    async def create() -> str | None:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                await asyncio.wait_for(connection.execute(text(f'CREATE DATABASE "{name}"')), 10)
        except Exception as error:  # noqa: BLE001
            return f"{type(error).__name__}: {error}"
        finally:
            await admin.dispose()
        engine = create_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
        await migrate(engine)
        await engine.dispose()
        return None

    problem = asyncio.run(create())
    if problem:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 does not answer ({problem[:200]}); PostgreSQL runs skipped")
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    async def drop() -> None:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()

    asyncio.run(drop())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """Each test that asks for it runs on a fresh SQLite file and on a clean PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "yingcai.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_database")

    async def wipe() -> None:
        engine = create_engine(url)
        async with engine.begin() as connection:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()

    asyncio.run(wipe())
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "yingcai.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(at("2026-11-20 10:00"), frozen=True)


@pytest.fixture
def calendar():
    return load_calendar()


@pytest.fixture
async def db(database_url: str):
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(db):
    return session_factory(db)


# The property suites' example count (tests/security/properties.py), printed at the end of the run. With
# pytest-xdist each worker counts its own and hands the count to the controller, which prints the sum.
def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.security.properties import EXAMPLES

        workeroutput["property_examples"] = dict(EXAMPLES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ANN001
    from tests.security.properties import EXAMPLES

    EXAMPLES.update(getattr(node, "workeroutput", {}).get("property_examples", {}))


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    from tests.security.properties import EXAMPLES

    if EXAMPLES:
        terminalreporter.write_line(f"property suite: {sum(EXAMPLES.values())} examples run "
                                    f"({', '.join(f'{name} {n}' for name, n in sorted(EXAMPLES.items()))})")

