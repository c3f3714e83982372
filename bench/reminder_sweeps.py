"""Benchmark: the reminder sweeps over a national-scale year, on SQLite and PostgreSQL, with and without their indexes.

Run with `.venv/bin/python bench/reminder_sweeps.py` (`--quick` for a tenth of the data). The data is built
once per database (bench/.cache/ for SQLite, database `yingcai_bench_sweeps` on PostgreSQL) and reused.
For each moment of the year it times the first sweep (which writes that moment's reminders) and the next
one (what every sweep does while nothing new is due), rule by rule. The baseline, in the same run, is the
same sweeps with the indexes they needed dropped. Prints a table, writes bench/results/reminder_sweeps.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.sweep_data import Size, tables  # noqa: E402
from program.calendar import load_calendar  # noqa: E402
from program.clock import SettableClock  # noqa: E402
from scheduler.sweeper import Sweeper  # noqa: E402
from storage.db import create_engine, migrate, session_factory  # noqa: E402
from tests.conftest import at  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "reminder_sweeps.json"
CACHE = ROOT / "bench" / ".cache"
PG_ADMIN = os.environ.get("YINGCAI_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
MOMENTS = {  # program time → what falls due then
    "session follow-ups (Wed 10 Mar 20:00)": "2027-03-10 20:00",
    "initial evaluations, digests (Mon 5 Apr 10:00)": "2027-04-05 10:00",
    "monthly notes (Sat 1 May 09:00)": "2027-05-01 09:00",
    "end of training in 7 days (Fri 24 Dec 09:05)": "2027-12-24 09:05",
}
# What the sweeps needed beyond the schema (migration 0004): dropped for the baseline, then made again.
INDEXES = {
    "ix_growth_logs_session": "CREATE INDEX ix_growth_logs_session ON growth_logs (session_id, student_id)",
    "ix_growth_logs_counted": "CREATE INDEX ix_growth_logs_counted ON growth_logs "
                              "(student_id, status, activity_date, kind, session_id)",
    "ix_growth_logs_last": "CREATE INDEX ix_growth_logs_last ON growth_logs (student_id, submitted_at)",
    "ix_training_sessions_ends_at": "CREATE INDEX ix_training_sessions_ends_at ON training_sessions (ends_at)",
    "ix_people_school_id": "CREATE INDEX ix_people_school_id ON people (school_id)",
}


def sqlite_value(value):  # noqa: ANN001, ANN201
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def load(url: str, size: Size) -> float:
    """Builds the data unless it is already there; returns the seconds it took (0 when reused)."""
    engine = create_engine(url)
    await migrate(engine)
    async with engine.connect() as connection:
        people = (await connection.execute(text("SELECT count(*) FROM people"))).scalar_one()
        logs = (await connection.execute(text("SELECT count(*) FROM growth_logs"))).scalar_one()
    if people == size.students + size.mentors + size.teachers + 1 and logs == size.logs:
        await engine.dispose()
        return 0.0
    started = time.perf_counter()
    if engine.dialect.name == "sqlite":
        await engine.dispose()
        database = sqlite3.connect(url.split("///", 1)[1])
        for table, columns, rows in tables(size):
            database.execute(f"DELETE FROM {table}")
            marks = ", ".join("?" * len(columns))
            database.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                 ([sqlite_value(v) for v in row] for row in rows))
        database.commit()
        database.execute("ANALYZE")
        database.close()
    else:
        import asyncpg

        async with engine.begin() as connection:
            await connection.execute(text("TRUNCATE schools, people, growth_logs, outbox RESTART IDENTITY CASCADE"))
        await engine.dispose()
        raw = await asyncpg.connect(url.replace("+asyncpg", ""))
        for table, columns, rows in tables(size):
            await raw.copy_records_to_table(table, records=list(rows), columns=columns)
            if "id" in columns:
                await raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))")
        await raw.execute("ANALYZE")
        await raw.close()
    return time.perf_counter() - started


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


async def database_cpu(engine) -> float:  # noqa: ANN001
    """CPU seconds used so far by this database's PostgreSQL backends (on this machine); 0 for SQLite, which
    works inside this process and is counted by time.process_time()."""
    if engine.dialect.name != "postgresql":
        return 0.0
    async with engine.connect() as connection:
        pids = (await connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                              "AND pid <> pg_backend_pid()"))).scalars().all()
    return sum(_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


async def sweep_moments(url: str, label: str) -> list[dict]:
    """Wall seconds per sweep, and CPU seconds (this process and its PostgreSQL backends): on a machine shared
    with others the wall time is mostly waiting for a core, the CPU time is what the sweep itself costs."""
    engine = create_engine(url)
    sessions, calendar = session_factory(engine), load_calendar()
    probe = create_engine(url) if url.startswith("postgresql") else engine
    runs = []
    for moment_name, moment in MOMENTS.items():
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM outbox"))
        clock = SettableClock(at(moment), frozen=True)
        sweeper = Sweeper(sessions, clock, calendar)
        for phase in ("first", "again"):
            cpu, database = time.process_time(), await database_cpu(probe)
            started = time.perf_counter()
            await sweeper.sweep()
            total = time.perf_counter() - started
            cpu = time.process_time() - cpu + await database_cpu(probe) - database
            slowest = max(sweeper.durations, key=sweeper.durations.get)
            runs.append({"indexes": label, "moment": moment_name, "sweep": phase, "seconds": round(total, 3),
                         "cpu_seconds": round(cpu, 3),
                         "written": sum(v for k, v in sweeper.written.items() if k != "expired"),
                         "slowest_rule": slowest, "slowest_seconds": round(sweeper.durations[slowest], 3),
                         "rules": {k: round(v, 3) for k, v in sweeper.durations.items()}})
            run = runs[-1]
            print(f"  {label:8s} {moment_name:48s} {phase:5s} {total:7.3f} s (cpu {cpu:6.3f} s)  "
                  f"wrote {run['written']:7d}  "
                  f"slowest {slowest} {run['slowest_seconds']:.3f} s", flush=True)
    await engine.dispose()
    if probe is not engine:
        await probe.dispose()
    return runs


async def set_indexes(url: str, present: bool) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        for name, create in INDEXES.items():
            await connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
            if present:
                await connection.execute(text(create))
        await connection.execute(text("ANALYZE"))
    await engine.dispose()
    if url.startswith("postgresql"):  # as autovacuum would have after the bulk load: index-only scans need it
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text("VACUUM (ANALYZE)"))
        await engine.dispose()


async def postgres_url(name: str) -> str | None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            exists = (await connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                               {"n": name})).first()
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL does not answer ({error}); its runs are skipped")
        return None
    finally:
        await admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    size = Size(10_000, 200, 500, 100_000, 2_000) if args.quick else Size()
    CACHE.mkdir(parents=True, exist_ok=True)
    suffix = "quick" if args.quick else "full"
    urls = {}
    if args.db in ("sqlite", "both"):
        urls["SQLite"] = f"sqlite+aiosqlite:///{CACHE / f'sweeps-{suffix}.db'}"
    if args.db in ("postgresql", "both") and (pg := await postgres_url(f"yingcai_bench_sweeps_{suffix}")):
        urls["PostgreSQL"] = pg
    report: dict = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "python": platform.python_version(), "cpus": os.cpu_count(), "size": size.__dict__,
                    "load_average_at_start": os.getloadavg(), "goal_seconds_per_sweep": 1.0,
                    "indexes": INDEXES, "databases": {}}
    for name, url in urls.items():
        print(f"{name}: preparing {size.students:,} students, {size.mentors:,} mentors, {size.teachers:,} teachers, "
              f"{size.logs:,} logs…", flush=True)
        loaded = await load(url, size)
        print(f"{name}: data {'built in %.0f s' % loaded if loaded else 'reused'}", flush=True)
        await set_indexes(url, True)
        runs = await sweep_moments(url, "indexed")
        await set_indexes(url, False)
        runs += await sweep_moments(url, "baseline")
        await set_indexes(url, True)
        report["databases"][name] = runs
    for name, runs in report["databases"].items():
        for label in ("indexed", "baseline"):
            mine = [r for r in runs if r["indexes"] == label]
            worst = max(mine, key=lambda r: r["seconds"])
            steady = max(r["seconds"] for r in mine if r["sweep"] == "again")
            cpu = max(r["cpu_seconds"] for r in mine)
            steady_cpu = max(r["cpu_seconds"] for r in mine if r["sweep"] == "again")
            print(f"{name:10s} {label:8s} worst sweep {worst['seconds']:.3f} s ({worst['moment']}, {worst['sweep']}) · "
                  f"worst steady sweep {steady:.3f} s · CPU worst {cpu:.3f} s, steady {steady_cpu:.3f} s · "
                  "goal ≤ 1 s per sweep")
    report["load_average_at_end"] = os.getloadavg()
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
