"""Opening the database: the async engine, the session factory and applying migrations."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage import sqlite_inloop

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # async_creator_fn: SQLAlchemy's aiosqlite dialect builds the connection with it, given aiosqlite's arguments.
        kwargs.setdefault("connect_args", {"timeout": 30, "async_creator_fn": sqlite_inloop.connect})
        # SQLite has one writer at a time; concurrent transactions would spin in its busy handler.
        # One pooled connection makes them queue in asyncio instead, which is several times faster.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
        engine = create_async_engine(url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_driver_name() == "asyncpg":
        # The reminder sweeps touch every student, so PostgreSQL costs them high enough to JIT-compile each
        # one: 0.5-1 s of compiling for a statement that runs in less (bench/reminder_sweeps.py).
        given = dict(kwargs.get("connect_args") or {})
        given["server_settings"] = {"jit": "off", **(given.get("server_settings") or {})}
        kwargs["connect_args"] = given
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


MIGRATION_LOCK = 0x5943_0002  # PostgreSQL advisory lock: workers starting together migrate one at a time


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Brings the schema to `revision` (start-up does this; so does `yingcai migrate`).

    A database already at head is left alone without importing Alembic: it (with Mako and Pygments) would stay in
    every worker's memory for good, ≈7-12 MiB of the 200 a worker may use.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        if revision == "head" and await connection.run_sync(_stamped) == head_revision():
            return
        from alembic import command

        def upgrade(sync: Connection) -> None:
            command.upgrade(_alembic_config(sync), revision)

        await connection.run_sync(upgrade)


def _stamped(connection: Connection) -> str | None:
    """The revision Alembic recorded in the database, None before the first migration."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return found[0] if len(found) == 1 else None


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


def head_revision() -> str | None:
    """The newest migration this code knows (what a ready database must be at).

    Read from the migration files' `revision` and `down_revision` lines, so a worker need not import Alembic;
    `tests/storage/test_migrations.py` checks it against Alembic's own answer.
    """
    global _HEAD
    if _HEAD is None:
        revisions: set[str] = set()
        parents: set[str] = set()
        for path in (MIGRATIONS / "versions").glob("*.py"):
            for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
                if value:
                    (revisions if name == "revision" else parents).add(value)
        heads = revisions - parents
        _HEAD = heads.pop() if len(heads) == 1 else _alembic_head()
    return _HEAD


def _alembic_head() -> str | None:
    """Alembic's head, for a history the simple reading above cannot follow (branches, merges)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()  # type: ignore[arg-type]


_HEAD: str | None = None
