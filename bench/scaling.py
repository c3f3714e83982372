"""Benchmark: webhook mode on PostgreSQL with 1, 2 and 4 workers; students each typing their log in several messages.

Each run starts `yingcai run --workers N --no-scheduler` on a fresh database of bound students who are at the
"what did you do" step of a growth log, then POSTs their updates to the webhook as Telegram does (each chat's
updates one after another, at most 40 requests open at once: Telegram's default max_connections). A request's
latency is the time to its HTTP 200, which comes only after the update's transaction committed and its reply
was sent to the Bot API emulator. Errors are answers other than 200, and drafts that lack a part afterwards.
`--quick`: 1 and 2 workers, 20 students × 3 messages. Prints a table and writes bench/results/scaling.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench.engine_latency import summary  # noqa: E402
from bench.reminder_sweeps import PG_ADMIN  # noqa: E402
from bench.throughput import TOKEN, prepare  # noqa: E402
from bot.emulator import BotApiEmulator  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.models import ConversationState  # noqa: E402

PATH = "/telegram/updates"
SECRET = "bench-scaling-secret-0123456789"
DATABASE = "yingcai_bench_scaling"  # "_quick" appended for --quick, so a smoke test never meets a full run
MAX_CONNECTIONS = 40
RUN_LIMIT = 600.0  # seconds for one run's updates, whatever the load
FIRST_USER = 100_003  # bench/throughput.py binds student n to user 100,003 + n


async def fresh_database(name: str) -> str | None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL does not answer ({error}); the scaling runs are skipped")
        return None
    finally:
        await admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def update(update_id: int, user: int, words: str) -> dict:
    sender = {"id": user, "is_bot": False, "first_name": f"学生{user}", "language_code": "zh-hans"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()), "text": words,
                                               "chat": {"id": user, "type": "private", "first_name": f"学生{user}"},
                                               "from": sender}}


async def ready(http: aiohttp.ClientSession, base: str, process: asyncio.subprocess.Process) -> None:
    for _ in range(900):  # bounded: 90 s
        if process.returncode is not None:
            raise SystemExit(f"the workers exited with {process.returncode}")
        try:
            async with http.get(f"{base}/readyz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the workers never became ready")


async def one_run(workers: int, students: int, messages: int, database: str) -> dict | None:
    url = await fresh_database(database)
    if url is None:
        return None
    await prepare(url, students)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="bench_bot") as emu:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_", "YINGCAI_", "PROMETHEUS"))}
        env.update({"BOT_TOKEN": TOKEN, "BOT_USERNAME": "bench_bot", "TELEGRAM_API_URL": emu.url, "DATABASE_URL": url,
                    "WEBHOOK_URL": f"{base}{PATH}", "WEBHOOK_LISTEN": f"127.0.0.1:{port}", "WEBHOOK_SECRET": SECRET,
                    "LOG_LEVEL": "WARNING"})
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--workers", str(workers), "--no-scheduler", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        try:
            connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS)
            async with aiohttp.ClientSession(connector=connector) as http:
                await ready(http, base, process)
                ids = iter(range(1, 10_000_000))
                slots = asyncio.Semaphore(MAX_CONNECTIONS)  # Telegram's own limit of requests open at once
                started = time.perf_counter()

                async def chat(user: int) -> None:
                    for part in range(messages):
                        if time.perf_counter() - started > RUN_LIMIT:
                            statuses["not sent (time limit)"] = statuses.get("not sent (time limit)", 0) + 1
                            continue
                        async with slots:  # timed from here: the bot's latency, not the queue before it
                            began = time.perf_counter()
                            try:
                                async with http.post(f"{base}{PATH}", json=update(next(ids), user, f"第{part}段"),
                                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                                                     timeout=aiohttp.ClientTimeout(total=60)) as response:
                                    status = str(response.status)
                            except (aiohttp.ClientError, TimeoutError) as error:
                                status = type(error).__name__
                            latencies.append(time.perf_counter() - began)
                        statuses[status] = statuses.get(status, 0) + 1

                await asyncio.gather(*(chat(FIRST_USER + n) for n in range(students)))
                elapsed = time.perf_counter() - started
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 60)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
    incomplete = await drafts_missing_parts(url, messages)
    total = students * messages
    errors = total - statuses.get("200", 0) + incomplete
    return {"workers": workers, "updates": total, "seconds": round(elapsed, 2),
            "updates_per_second": round(statuses.get("200", 0) / elapsed, 1), **summary(latencies),
            "answers": statuses, "drafts_missing_parts": incomplete, "errors": errors}


async def drafts_missing_parts(url: str, messages: int) -> int:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            drafts = (await session.execute(select(ConversationState.data))).scalars().all()
    finally:
        await engine.dispose()
    wanted = [f"第{part}段" for part in range(messages)]
    return sum(1 for data in drafts if data.get("log", {}).get("did", "").split("\n") != wanted)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 and 2 workers, 20 students × 3 messages")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes")
    args = parser.parse_args()
    counts = (1, 2) if args.quick else (1, 2, 4)
    if args.quick:
        args.students, args.messages = 20, 3
    runs = []
    for workers in counts:
        print(f"{workers} worker(s): {args.students} students × {args.messages} messages…", flush=True)
        run = await one_run(workers, args.students, args.messages, DATABASE + ("_quick" if args.quick else ""))
        if run is None:
            break
        runs.append(run)
        print(f"  {run['updates_per_second']:7.1f} updates/s  p50 {run['p50_ms']:7.1f} ms  p95 {run['p95_ms']:7.1f} ms"
              f"  p99 {run['p99_ms']:7.1f} ms  errors {run['errors']}  answers {run['answers']}", flush=True)
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
              "cpus": os.cpu_count(), "database": "PostgreSQL", "mode": "webhook", "students": args.students,
              "messages_per_student": args.messages, "max_connections": MAX_CONNECTIONS, "runs": runs}
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / ("scaling-quick.json" if args.quick else "scaling.json")
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
