"""Benchmark: one worker's handler latency, SQL statements and memory per update, at national scale.

Drives the real conversation engine (handlers.registry.build_engine, Engine.handle) with whole growth-log
stories (open the log, kind, date, what I did, next…, hours, review, submit, /progress, the teacher confirms)
for a sample of students, in a database of 100,000 students and 1,000,000 growth logs (bench/sweep_data.py),
on SQLite and PostgreSQL. Each update's latency and SQL statements (SQLAlchemy `before_cursor_execute`) are
recorded by step; the measuring runs in a child process, so its peak RSS is one worker's.
`--quick`: 1,000 students and 10,000 logs. Prints a table and writes bench/results/engine_latency.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from bench.reminder_sweeps import load, postgres_url  # noqa: E402
from bench.sweep_data import Size  # noqa: E402
from storage.db import create_engine  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
MOMENT = datetime(2027, 6, 15, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Beijing, mid-year
TIME_LIMIT = 600.0  # seconds for the measured stories of one database, whatever the sample


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def summary(seconds: list[float]) -> dict[str, float]:
    return {"n": len(seconds), "p50_ms": round(quantile(seconds, 0.5) * 1000, 2),
            "p95_ms": round(quantile(seconds, 0.95) * 1000, 2), "p99_ms": round(quantile(seconds, 0.99) * 1000, 2)}


async def reset(url: str, size: Size) -> None:
    """Takes back what an earlier measurement added, so the data is reused (the counts match) and runs compare."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            tables = set((await connection.run_sync(lambda c: c.dialect.get_table_names(c))))
            if "growth_logs" not in tables:
                return
            for table in ("log_attachments",):
                if table in tables:
                    await connection.execute(text(f"DELETE FROM {table}"))
            for table in ("outbox", "conversation_states", "processed_updates"):
                if table in tables:
                    await connection.execute(text(f"DELETE FROM {table}"))
            await connection.execute(text("DELETE FROM growth_logs WHERE id > :n"), {"n": size.logs})
    finally:
        await engine.dispose()


STORY = [  # (label, what the student sends); "{log}" is the log just filed
    ("/log", {"command": "log"}),
    ("tap: kind", {"payload": "log:kind:reading"}),
    ("tap: date", {"payload": "log:date:today"}),
    ("log step: types what they did", {"text": "读了《费曼物理学讲义》第一章，做了笔记"}),
    ("log step: taps Next", {"payload": "log:next:did"}),
    ("log step: skips learned", {"payload": "log:next:learned"}),
    ("log step: skips next steps", {"payload": "log:next:next"}),
    ("log step: types hours", {"text": "2"}),
    ("log: review", {"payload": "log:review"}),
    ("log: submit", {"payload": "log:submit"}),
    ("/progress", {"command": "progress"}),
]


async def measure(url: str, sample: int, warmup: int) -> dict:
    """The child process: whole stories for `sample` students, timed and counted update by update."""
    from sqlalchemy import select

    from handlers.kit import Incoming, Services
    from handlers.registry import build_engine
    from handlers.teacher import ConfirmLog
    from program.calendar import load_calendar
    from program.clock import SettableClock
    from storage.db import session_factory
    from storage.models import Account, GrowthLog, PersonRole, Supervision

    engine = create_engine(url)
    statements = [0]
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    services = Services(sessions=session_factory(engine), clock=SettableClock(MOMENT, frozen=True),
                        calendar=load_calendar())
    bot = build_engine(services)
    async with services.sessions() as session:
        students = (await session.execute(select(PersonRole.person_id).where(PersonRole.role == "student")
                                          .order_by(PersonRole.person_id))).scalars().all()
        step = max(1, len(students) // (sample + warmup))
        chosen = students[::step][:sample + warmup]
        teacher_of = dict((await session.execute(select(Supervision.student_id, Supervision.supervisor_id).where(
            Supervision.relation == "teacher", Supervision.student_id.in_(chosen)))).all())
        account = dict((await session.execute(select(Account.person_id, Account.external_id).where(
            Account.person_id.in_(chosen + list(teacher_of.values()))))).all())
    first = int(time.time() * 1000)  # ids no earlier run used: a repeated id would be dropped as a redelivery
    update_ids = iter(range(first, first + 10_000_000))
    timings: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    refused: list[str] = []
    started = time.perf_counter()
    cpu = [0.0]  # this process's CPU time in the measured updates: what a dedicated core would spend

    async def send(label: str, user: int, record: bool, **what: str) -> None:
        statements[0] = 0
        began, cpu_began = time.perf_counter(), time.process_time()
        reply = await bot.handle(Incoming(user_id=user, chat_id=user, update_id=next(update_ids),
                                          language="zh-hans", **what))  # type: ignore[arg-type]
        took = time.perf_counter() - began
        if record:
            cpu[0] += time.process_time() - cpu_began
        if reply.outcome not in (None, "handled"):
            refused.append(f"{label}: {reply.outcome} {reply.screens[0].text[:80] if reply.screens else ''}")
        if record:
            timings.setdefault(label, []).append(took)
            counts.setdefault(label, []).append(statements[0])

    for n, person in enumerate(chosen):
        if time.perf_counter() - started > TIME_LIMIT:
            break
        record = n >= warmup
        for label, what in STORY:
            await send(label, account[person], record, **what)
        async with services.sessions() as session:
            log_id, version = (await session.execute(
                select(GrowthLog.id, GrowthLog.version).where(GrowthLog.student_id == person)
                .order_by(GrowthLog.id.desc()).limit(1))).one()
        await send("teacher confirms one log", account[teacher_of[person]], record,
                   payload=ConfirmLog(log_id, version).pack())  # the button's payload, as the list shows it
    await engine.dispose()
    everything = [t for values in timings.values() for t in values]
    log_steps = [t for label, values in timings.items() if label.startswith("log step") for t in values]
    return {"students_measured": max(0, n + 1 - warmup), "refused": refused[:10], "refused_count": len(refused),
            "all_updates": summary(everything), "log_steps": summary(log_steps),
            "cpu_ms_per_update": round(cpu[0] * 1000 / max(1, len(everything)), 2),
            "by_step": {label: {**summary(values), "sql_statements": statistics.median(counts[label])}
                        for label, values in timings.items()},
            "peak_rss_mib": own_peak_rss_mib()}


def own_peak_rss_mib() -> float:
    """This process's own peak (Linux's VmHWM): ru_maxrss keeps the forking parent's across exec, so a child of the
    process that built the data read the builder's peak (413 MiB on PostgreSQL) instead of its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def prepare(name: str, url: str, size: Size) -> None:
    print(f"{name}: preparing {size.students:,} students and {size.logs:,} logs…", flush=True)
    await reset(url, size)
    took = await load(url, size)
    print(f"{name}: data {'built in %.0f s' % took if took else 'reused'}", flush=True)


def child(url: str, sample: int, warmup: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINGCAI_")}
    done = subprocess.run([sys.executable, __file__, "--measure", url, "--sample", str(sample),
                           "--warmup", str(warmup)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=TIME_LIMIT + 300, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the measuring process failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 students and 10,000 logs, a few stories")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--sample", type=int, help="students whose stories are measured")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(await measure(args.measure, args.sample, args.warmup)))
        return 0
    size = Size(1_000, 20, 50, 10_000, 200) if args.quick else Size()
    sample = args.sample or (10 if args.quick else 150)
    suffix = "quick" if args.quick else "full"
    CACHE.mkdir(parents=True, exist_ok=True)
    urls = {}
    if args.db in ("sqlite", "both"):
        urls["SQLite"] = f"sqlite+aiosqlite:///{CACHE / f'latency-{suffix}.db'}"
    if args.db in ("postgresql", "both") and (pg := await postgres_url(f"yingcai_bench_latency_{suffix}")):
        urls["PostgreSQL"] = pg
    report: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "size": size.__dict__, "students_sampled": sample,
                    "goals": {"p95_ms": 20, "sql_statements_per_log_step": 3, "peak_rss_mib": 200}, "databases": {}}
    for name, url in urls.items():
        await prepare(name, url, size)
        result = await asyncio.to_thread(child, url, sample, args.warmup)
        await reset(url, size)
        report["databases"][name] = result
        print(f"\n{name}: {result['students_measured']} stories, peak RSS {result['peak_rss_mib']} MiB, "
              f"{result['cpu_ms_per_update']} ms CPU per update, "
              f"{result['refused_count']} refused")
        print(f"  {'step':34s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'SQL':>4s}")
        for label, row in result["by_step"].items():
            print(f"  {label:34s} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['p99_ms']:8.2f} "
                  f"{row['sql_statements']:4g}")
        for label in ("log_steps", "all_updates"):
            row = result[label]
            print(f"  {label.replace('_', ' '):34s} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['p99_ms']:8.2f}")
        for problem in result["refused"]:
            print(f"  refused: {problem}")
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / ("engine_latency-quick.json" if args.quick else "engine_latency.json")
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
