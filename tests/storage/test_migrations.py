"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import MIGRATIONS, head_revision
from storage.models import Base

ROOT = Path(__file__).resolve().parents[2]


async def test_migrations_match_the_models(db):
    def differences(connection):  # noqa: ANN001, ANN202
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.connect() as connection:
        assert await connection.run_sync(differences) == []


STARTS = """
import asyncio, sys
from storage.db import create_engine, migrate

async def start(url):
    engine = create_engine(url)
    await migrate(engine)
    await engine.dispose()

asyncio.run(start(sys.argv[1]))
print(" ".join(name for name in ("alembic", "mako", "pygments") if name in sys.modules) or "none")
"""


def test_the_head_read_from_the_migration_files_is_alembics():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_worker_starting_on_a_migrated_database_does_not_load_alembic(database_url):
    """Start-up migrates; on a database already at head that must not leave Alembic in the worker's memory."""
    done = subprocess.run([sys.executable, "-c", STARTS, database_url], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "none", done.stdout
