"""Opening the database: the async engine, the session factory and applying migrations."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
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
    """Brings the schema to `revision` (start-up does this; so does `yingcai migrate`)."""
    from alembic import command

    def upgrade(connection: Connection) -> None:
        command.upgrade(_alembic_config(connection), revision)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(upgrade)


def head_revision() -> str | None:
    """The newest migration this code knows (what a ready database must be at)."""
    from alembic.script import ScriptDirectory

    global _HEAD
    if _HEAD is None:
        config = _alembic_config(None)  # type: ignore[arg-type]
        _HEAD = ScriptDirectory.from_config(config).get_current_head()
    return _HEAD


_HEAD: str | None = None
