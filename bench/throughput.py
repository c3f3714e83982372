"""Benchmark: updates per second of a real flow step per adapter vs a bare echo bot, and SQL per update.

Run with `make bench` (or `.venv/bin/python bench/throughput.py`). The bot runs in its own process pinned
to one core; the Bot API emulator and the simulated students run in this process on another core.
On a shared machine wall-clock rates swing with the neighbours' load, so the bot's own CPU time (user + system,
from /proc) per update is measured as well: updates per CPU-second is the rate a dedicated core would give, and
its ratio is the one to compare with the goal when the machine is busy. Writes bench/results/throughput.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from bench.reminder_sweeps import database_cpu  # noqa: E402
from bot.emulator import BotApiEmulator  # noqa: E402
from handlers.kit import Incoming, Services  # noqa: E402
from handlers.registry import build_engine  # noqa: E402
from handlers.teacher import ConfirmLog  # noqa: E402
from program.calendar import load_calendar  # noqa: E402
from program.clock import SettableClock  # noqa: E402
from program.roster import parse_roster, read_table  # noqa: E402
from storage.db import create_engine, migrate, session_factory  # noqa: E402
from storage.models import Account, ConversationState, GrowthLog, Person  # noqa: E402
from storage.roster import apply_roster  # noqa: E402

TOKEN = "123456:BENCH"
RESULTS = ROOT / "bench" / "results" / "throughput.json"
PG_DATABASE = "yingcai_bench_throughput"


async def fresh_database(name: str) -> str | None:
    """An empty PostgreSQL database (the test server's), or None when PostgreSQL does not answer."""
    from bench.scaling import fresh_database as fresh  # scaling imports this module

    return await fresh(name)


def roster(students: int) -> str:
    lines = ["name,role,school,subject,grade,mentor,teacher", "李明教授,mentor,山西大学,物理学,,,",
             "张丽,teacher,山西大学附属中学,,,,"]
    lines += [f"学生{i:04d},student,山西大学附属中学,物理学,高一,李明教授,张丽" for i in range(students)]
    return "\n".join(lines) + "\n"


async def prepare(url: str, students: int) -> None:
    """A roster whose students are all bound and halfway through a log, at the "what did you do" step."""
    engine = create_engine(url)
    await migrate(engine)
    now = datetime.now(timezone.utc)
    async with session_factory(engine)() as session, session.begin():
        parsed = parse_roster(read_table(roster(students).encode(), "r.csv"))
        await apply_roster(session, parsed.rows, now)
        people = (await session.execute(select(Person))).unique().scalars().all()
        for person in people:
            user_id = 100_000 + person.id
            session.add(Account(person_id=person.id, channel="telegram", external_id=user_id, chat_id=user_id,
                                language_code="zh-hans", bound_at=now))
            if person.name.startswith("学生"):
                session.add(ConversationState(channel="telegram", external_id=user_id, flow="log", step="did",
                                              data={"log": {"kind": "reading", "date": now.date().isoformat()}},
                                              updated_at=now))
    await engine.dispose()


def pinned(cpu: int):  # noqa: ANN201
    def pin() -> None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {cpu})
    return pin


async def run_load(kind: str, engine_name: str, students: int, per_student: int, workdir: Path,
                   url: str | None = None) -> dict:
    """One run: `kind` "echo" (the bare echo bot) or "flow" (the bot's log step, on `url`, by default SQLite)."""
    url = url or f"sqlite+aiosqlite:///{workdir / f'{kind}-{engine_name}.db'}"
    probe = create_engine(url) if kind == "flow" and url.startswith("postgresql") else None
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="bench_bot") as emu:
        env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.url, "BOT_ENGINE": engine_name,
               "DATABASE_URL": url, "YINGCAI_POLL_TIMEOUT": "2", "LOG_LEVEL": "WARNING"}
        if kind == "flow":
            await prepare(url, students)
            command = [sys.executable, "-m", "bot", "run", "--no-scheduler"]  # like the echo bot: no sweeps
        else:
            command = [sys.executable, str(ROOT / "bench" / "echo_bot.py"), engine_name]
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=ROOT, preexec_fn=pinned(0),
                                                       stdout=asyncio.subprocess.DEVNULL,
                                                       stderr=asyncio.subprocess.DEVNULL)
        try:
            for _ in range(300):  # bounded: wait until the bot polls
                if emu.calls_to("getUpdates"):
                    break
                await asyncio.sleep(0.05)
            users = [emu.user(user_id=100_000 + 3 + i, first_name=f"学生{i:04d}") for i in range(students)]
            total = students * per_student
            await warm_up(emu, users[:WARM_UP])
            before = len(emu.calls_to("sendMessage"))
            cpu_before = cpu_seconds(process.pid)
            database_before = await database_cpu(probe) if probe else 0.0
            started = time.perf_counter()
            for round_ in range(per_student):
                for user in users:
                    await user.send_text(f"第{round_}段：读了第{round_}章，做了笔记", wait=False)
            deadline = started + 120
            while len(emu.calls_to("sendMessage")) - before < total and time.perf_counter() < deadline:
                await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(process.pid) - cpu_before
            database = await database_cpu(probe) - database_before if probe else None
            answered = len(emu.calls_to("sendMessage")) - before
            peak_rss = peak_rss_mib(process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except asyncio.TimeoutError:
                process.kill()
            if probe:
                await probe.dispose()
    run = {"kind": kind, "engine": engine_name, "database": url.split("+")[0] if kind == "flow" else None,
           "updates": total, "answered": answered, "seconds": round(elapsed, 3),
           "updates_per_second": round(answered / elapsed, 1), "peak_rss_mib": peak_rss, "cpu_seconds": round(cpu, 3),
           "updates_per_cpu_second": round(answered / cpu, 1) if cpu else None}
    if database is not None:  # PostgreSQL works in its own processes: its CPU for this run, and the sum
        run["database_cpu_seconds"] = round(database, 3)
        run["updates_per_cpu_second_with_database"] = round(answered / (cpu + database), 1) if cpu + database else None
    return run


def median_run(runs: list[dict]) -> dict:
    """One engine's and kind's runs summed up by their medians (the counts are the same in every round)."""
    summary = dict(runs[0])
    summary.pop("round", None)
    for key in ("seconds", "updates_per_second", "peak_rss_mib", "cpu_seconds", "updates_per_cpu_second",
                "database_cpu_seconds", "updates_per_cpu_second_with_database"):
        values = [r[key] for r in runs if r.get(key) is not None]
        summary[key] = round(median(values), 3) if values else None
    summary["answered"] = min(r["answered"] for r in runs)
    return summary


WARM_UP = 5  # messages answered before measuring: the first of a kind builds the libraries' models (aiogram)


async def warm_up(emu: BotApiEmulator, users: list) -> None:
    before = len(emu.calls_to("sendMessage"))
    for user in users:
        await user.send_text("先写一句", wait=False)
    for _ in range(1200):  # bounded: 60 s
        if len(emu.calls_to("sendMessage")) - before >= len(users):
            return
        await asyncio.sleep(0.05)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc/<pid>/stat), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float | None:
    """The bot process's peak resident memory (Linux's VmHWM), read before it is stopped."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


class StatementCounter:
    def __init__(self, engine) -> None:  # noqa: ANN001
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


async def statements_per_update(workdir: Path) -> dict[str, int]:
    """SQL statements each common update costs, counted on the real engine and database."""
    url = f"sqlite+aiosqlite:///{workdir / 'sql.db'}"
    await prepare(url, 2)
    engine = create_engine(url)
    counter = StatementCounter(engine)
    clock = SettableClock(datetime.now(timezone.utc), frozen=True)
    services = Services(sessions=session_factory(engine), clock=clock, calendar=load_calendar())
    bot = build_engine(services)
    student, teacher = 100_000 + 3, 100_000 + 2
    update_ids = iter(range(1, 10_000))

    async def measure(**kwargs: object) -> int:
        counter.count = 0
        await bot.handle(Incoming(chat_id=kwargs["user_id"], update_id=next(update_ids), language="zh-hans",
                                  **kwargs))  # type: ignore[arg-type]
        return counter.count

    result = {
        "log step: student types what they did": await measure(user_id=student, text="读了第一章"),
        "log step: student taps Next (button)": await measure(user_id=student, payload="log:next:did"),
    }
    await measure(user_id=student, payload="log:next:learned")
    await measure(user_id=student, payload="log:next:next")
    result["log step: student types hours"] = await measure(user_id=student, text="2")
    await measure(user_id=student, payload="log:review")
    result["submit a growth log"] = await measure(user_id=student, payload="log:submit")
    result["/progress"] = await measure(user_id=student, command="progress")
    async with services.sessions() as session:
        log_id, version = (await session.execute(select(GrowthLog.id, GrowthLog.version))).one()
    confirm = ConfirmLog(log_id, version).pack()  # the button's payload, as the teacher's list shows it
    result["teacher confirms one log"] = await measure(user_id=teacher, payload=confirm)
    async with services.sessions() as session:  # a refused action would measure the wrong path
        status = (await session.execute(select(GrowthLog.status))).scalar_one()
    if status != "confirmed":
        raise SystemExit(f"the measured confirmation did not happen (status {status})")
    result["redelivered update (dropped)"] = await _redelivered(bot, counter)
    await engine.dispose()
    return result


async def _redelivered(bot, counter) -> int:  # noqa: ANN001
    await bot.handle(Incoming(user_id=100_003, chat_id=100_003, update_id=99_999, text="重复"))
    counter.count = 0
    await bot.handle(Incoming(user_id=100_003, chat_id=100_003, update_id=99_999, text="重复"))
    return counter.count


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10, help="messages per student")
    parser.add_argument("--rounds", type=int, default=3, help="echo/flow pairs per engine, interleaved (medians)")
    parser.add_argument("--quick", action="store_true", help="a smoke test: 10 students, 3 messages each, 1 round")
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only (--quick is SQLite only)")
    parser.add_argument("--out", type=Path, default=RESULTS.parent, help="where the JSON goes")
    args = parser.parse_args()
    if args.quick:
        args.students, args.messages, args.rounds = 10, 3, 1
    workdir = ROOT / "bench" / "results" / "tmp"
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*.db*"):
        old.unlink()
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})
    postgresql = None if args.quick or args.no_postgresql else await fresh_database(PG_DATABASE)
    kinds = [("echo", None), ("flow", None)] + ([("flow", postgresql)] if postgresql else [])
    rounds: list[dict] = []
    # Echo and flow alternate, round after round, so a change in the machine's load hits both alike; a ratio is
    # taken within one round (the runs next to each other), and the medians over the rounds are reported.
    for round_ in range(args.rounds):
        for engine_name in ("aiogram", "ptb"):
            for kind, url in kinds:
                for old in workdir.glob(f"{kind}-{engine_name}.db*"):
                    old.unlink()
                if url is not None:
                    url = await fresh_database(PG_DATABASE)
                run = await run_load(kind, engine_name, args.students, args.messages, workdir, url)
                rounds.append({**run, "round": round_ + 1})
                database = f" on {run['database']}" if run["database"] else ""
                print(f"round {round_ + 1}: {engine_name:8s} {kind}{database}: {run['answered']}/{run['updates']}"
                      f" answered in {run['seconds']:.2f}s = {run['updates_per_second']:.1f} updates/s,"
                      f" {run['updates_per_cpu_second']} per CPU-second"
                      + (f" ({run['updates_per_cpu_second_with_database']} with PostgreSQL's CPU)"
                         if "database_cpu_seconds" in run else "") + f", peak RSS {run['peak_rss_mib']} MiB")
    groups = [(engine_name, kind, database) for engine_name in ("aiogram", "ptb")
              for kind, database in (("echo", None), ("flow", "sqlite"), ("flow", "postgresql"))]
    runs = [median_run(found) for group in groups
            if (found := [r for r in rounds if (r["engine"], r["kind"], r["database"]) == group])]
    ratios: dict[str, dict[str, float]] = {"sqlite": {}, "postgresql": {}}
    cpu_ratios: dict[str, dict[str, float]] = {"sqlite": {}, "postgresql": {}}
    with_database: dict[str, float] = {}
    for engine_name in ("aiogram", "ptb"):
        for database in ("sqlite", "postgresql"):
            pairs = [(echo, flow) for n in range(1, args.rounds + 1)
                     for echo in rounds if (echo["engine"], echo["kind"], echo["round"]) == (engine_name, "echo", n)
                     for flow in rounds if (flow["engine"], flow["kind"], flow["database"], flow["round"])
                     == (engine_name, "flow", database, n)]
            if not pairs:
                continue
            ratios[database][engine_name] = round(median(
                f["updates_per_second"] / e["updates_per_second"] for e, f in pairs), 3)
            by_cpu = [f["updates_per_cpu_second"] / e["updates_per_cpu_second"] for e, f in pairs
                      if e["updates_per_cpu_second"] and f["updates_per_cpu_second"]]
            if by_cpu:
                cpu_ratios[database][engine_name] = round(median(by_cpu), 3)
            both = [f["updates_per_cpu_second_with_database"] / e["updates_per_cpu_second"] for e, f in pairs
                    if e["updates_per_cpu_second"] and f.get("updates_per_cpu_second_with_database")]
            if both:
                with_database[engine_name] = round(median(both), 3)
            print(f"{engine_name} on {database}: flow step / bare echo = {ratios[database][engine_name]:.2f} (wall"
                  f" clock), {cpu_ratios[database].get(engine_name)} (per CPU-second of the bot)"
                  + (f", {with_database[engine_name]} (per CPU-second of the bot and PostgreSQL)"
                     if database == "postgresql" and engine_name in with_database else "")
                  + f"; medians of {args.rounds} rounds")
    sql = await statements_per_update(workdir)
    for path, count in sql.items():
        print(f"SQL statements — {path}: {count}")
    target = args.out / ("throughput-quick.json" if args.quick else RESULTS.name)
    args.out.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(), "students": args.students,
        "messages_per_student": args.messages, "database": "SQLite (file, WAL); PostgreSQL where it answers",
        "rounds": args.rounds, "runs": runs, "every_run": rounds,
        "flow_to_echo_ratio": ratios["sqlite"], "flow_to_echo_ratio_by_cpu": cpu_ratios["sqlite"],
        "postgresql": {"flow_to_echo_ratio": ratios["postgresql"],
                       "flow_to_echo_ratio_by_cpu": cpu_ratios["postgresql"],
                       "flow_to_echo_ratio_by_cpu_with_database": with_database},
        "sql_statements_per_update": sql}, ensure_ascii=False, indent=2),
        encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
