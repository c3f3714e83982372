"""Benchmark: a fan-out of 10,000 due reminders against the Bot API emulator enforcing Telegram's limits.

Run with `.venv/bin/python bench/reminder_fanout.py` (about six minutes: 10,000 messages at 30/s;
`--count 1000` for a shorter run). The emulator answers 429 above 30 sends per second overall or above
one per second to a chat. The real bot (aiogram adapter, delivery worker, reminder texts, SQLite) sends
the reminders a sweep wrote for "7 days before the end of training"; every few seconds a post-session
reminder falls due for someone else, and its lateness after its slot is measured where it arrives (the
emulator). Same-run baseline: the same worker and emulator with no limits. Writes
bench/results/reminder_fanout.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, update  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.emulator import BotApiEmulator  # noqa: E402
from bot.settings import Settings  # noqa: E402
from program.clock import SettableClock  # noqa: E402
from scheduler.delivery import RateLimiter  # noqa: E402
from storage import student_reminders  # noqa: E402
from storage.models import OutboxMessage, Person, SessionInvitee, TrainingSession  # noqa: E402
from tests.conftest import at  # noqa: E402
from tests.reminders.crowd import crowd  # noqa: E402

TOKEN = "123456:FANOUT-bench"
RESULTS = ROOT / "bench" / "results" / "reminder_fanout.json"
LIMIT, PER_CHAT = 30, 1.0
PROBES = 100  # students kept out of the fan-out, each reminded once of a session while it runs
PROBE_EVERY = 3.0  # seconds between two probes
LOG_REMINDER = "该写成长日志啦"


async def probe(app, chat_id: int, person_id: int, mentor_id: int) -> float:  # noqa: ANN001
    """A session of this student ended three hours ago: the sweep's statement queues its reminder, due now."""
    now = app.services.clock.now()
    async with app.services.sessions() as session, session.begin():
        held = TrainingSession(mentor_id=mentor_id, starts_at=now - timedelta(hours=5),
                               ends_at=now - timedelta(hours=3), place="实验室", topic=f"探针{chat_id}", created_at=now)
        session.add(held)
        await session.flush()
        session.add(SessionInvitee(session_id=held.id, student_id=person_id, attending=True))
        await session.flush()
        await student_reminders.session_log(session, app.services.calendar.reminders, now)
    return time.monotonic()


def arrivals(emu: BotApiEmulator, words: str) -> dict[int, float]:
    return {int(c.params["chat_id"]): c.at for c in emu.calls
            if c.method == "sendMessage" and words in str(c.params.get("text"))}


async def fan_out(count: int, workdir: Path, limited: bool) -> dict:
    database = workdir / f"fanout-{'limited' if limited else 'free'}.db"
    database.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{database}"
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_bench_bot") as emu:
        settings = Settings(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emu.url, DATABASE_URL=url, YINGCAI_SEND_RATE=LIMIT)
        app = await build_app(settings, clock=SettableClock(at("2027-12-24 09:05")))  # program time runs on
        chats = await crowd(app.services.sessions, count + PROBES, at("2027-12-02 10:00"))
        for chat in chats:
            emu.user(chat, first_name="学生")
        async with app.services.sessions() as session:
            people = dict((await session.execute(select(Person.name, Person.id))).all())
        probes, mentor = sorted(chats)[-PROBES:], people["李明教授"]
        await app.channel.start()
        await app.jobs.sweeper.sweep()
        async with app.services.sessions() as session, session.begin():  # the probes owe nothing else
            await session.execute(update(OutboxMessage).where(OutboxMessage.person_id.in_(
                [c - 1_000_000 for c in probes])).values(status="skipped"))
        if limited:
            emu.limit_rate(per_second=LIMIT, per_chat_interval=PER_CHAT)
        else:
            app.jobs.worker.limiter = RateLimiter(per_second=100_000, per_chat_interval=0)
        queued: dict[int, float] = {}

        async def probing() -> None:
            for chat in probes:
                await asyncio.sleep(PROBE_EVERY)
                if len(arrivals(emu, "本年度培养在")) >= count:
                    return
                queued[chat] = await probe(app, chat, chat - 1_000_000, mentor)

        prober = asyncio.create_task(probing()) if limited else None
        started = time.monotonic()
        for _ in range(100_000):  # bounded: each round sends up to 2,000 messages or waits a moment
            if len(arrivals(emu, "本年度培养在")) >= count and (prober is None or prober.done()) \
                    and len(arrivals(emu, LOG_REMINDER)) >= len(queued):
                break
            if not await app.jobs.worker.drain():
                await asyncio.sleep(0.05)
        if prober is not None:
            prober.cancel()
        fanned = sorted(at_ for chat, at_ in arrivals(emu, "本年度培养在").items())
        landed = arrivals(emu, LOG_REMINDER)
        lateness = sorted(landed[c] - queued[c] for c in queued if c in landed)
        seconds = fanned[-1] - fanned[0] if len(fanned) > 1 else 0.0
        await app.close()
        return {"limited": limited, "reminders": count, "delivered": len(fanned), "seconds": round(seconds, 2),
                "rate_per_second": round((len(fanned) - 1) / seconds, 2) if seconds else None,
                "flood_429s": emu.flood_refusals, "probes": len(lateness),
                "probe_lateness_p50": round(statistics.median(lateness), 3) if lateness else None,
                "probe_lateness_p95": round(lateness[max(0, int(len(lateness) * 0.95) - 1)], 3) if lateness else None,
                "probe_lateness_max": round(lateness[-1], 3) if lateness else None, "wall": round(time.monotonic()
                                                                                                   - started, 1)}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="reminders in the fan-out")
    args = parser.parse_args()
    workdir = ROOT / "bench" / ".cache"
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()  # the machine is shared: its load is part of the result
    baseline = await fan_out(min(args.count, 2_000), workdir, limited=False)
    print(f"baseline (no limits): {baseline['delivered']} reminders in {baseline['seconds']} s = "
          f"{baseline['rate_per_second']}/s", flush=True)
    run = await fan_out(args.count, workdir, limited=True)
    ratio = run["rate_per_second"] / LIMIT if run["rate_per_second"] else 0.0
    print(f"fan-out: {run['delivered']}/{run['reminders']} reminders in {run['seconds']} s = {run['rate_per_second']}/s"
          f" · rate/limit {ratio:.3f} (goal ≥ 0.95) · 429s {run['flood_429s']} (goal 0) · probe lateness p50 "
          f"{run['probe_lateness_p50']} s, p95 {run['probe_lateness_p95']} s (goal ≤ 2 s), max "
          f"{run['probe_lateness_max']} s over {run['probes']} probes")
    RESULTS.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
        "cpus": os.cpu_count(), "load_average_at_start": load_before, "load_average_at_end": os.getloadavg(),
        "limit_per_second": LIMIT, "limit_per_chat_seconds": PER_CHAT,
        "goals": {"rate_over_limit": 0.95, "flood_429s": 0, "probe_lateness_p95_seconds": 2.0},
        "rate_over_limit": round(ratio, 3), "run": run, "baseline_without_limits": baseline,
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
