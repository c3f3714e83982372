"""Benchmark: how close to a bare echo bot the log step could come on this stack, whatever the engine did.

Three runs per engine and round, interleaved: the bare echo bot, the bot's real log step, and the bot with its
engine cut to the floor (bench/floor_engine/sitecustomize.py: only the step's three statements, in SQLAlchemy
Core, and a kept reply). The floor's ratio to the echo bounds what any work on the engine can reach; the rest is
the channel adapter, the runtime and SQLAlchemy's asyncio layer. SQLite, per CPU-second of the bot process.
Writes bench/results/floor.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throughput import run_load  # noqa: E402

FLOOR_PATH = ROOT / "bench" / "floor_engine"


async def one(kind: str, engine_name: str, args: argparse.Namespace, workdir: Path, floor: bool) -> dict:
    for old in workdir.glob("*.db*"):
        old.unlink()
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "YINGCAI_BENCH_FLOOR")}
    if floor:
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(FLOOR_PATH), saved["PYTHONPATH"]]))
        os.environ["YINGCAI_BENCH_FLOOR"] = "1"
    try:
        return await run_load(kind, engine_name, args.students, args.messages, workdir)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke test: 10 students, 3 messages each, 1 round")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if args.quick:
        args.students, args.messages, args.rounds = 10, 3, 1
    workdir = ROOT / "bench" / "results" / "tmp-floor"
    workdir.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})
    runs: list[dict] = []
    for round_ in range(1, args.rounds + 1):
        for engine_name in ("aiogram", "ptb"):
            for label, kind, floor in (("echo", "echo", False), ("log step", "flow", False),
                                       ("log step, engine at its floor", "flow", True)):
                run = {**await one(kind, engine_name, args, workdir, floor), "label": label, "round": round_}
                runs.append(run)
                print(f"round {round_}: {engine_name:8s} {label:30s} {run['updates_per_cpu_second']} updates per"
                      f" CPU-second ({run['answered']}/{run['updates']} answered)")
    result: dict[str, dict] = {}
    for engine_name in ("aiogram", "ptb"):
        def rate(label: str, n: int, engine_name: str = engine_name) -> float:
            return next(r["updates_per_cpu_second"] for r in runs
                        if (r["engine"], r["label"], r["round"]) == (engine_name, label, n))
        rounds = range(1, args.rounds + 1)
        result[engine_name] = {
            "echo updates per CPU-second": median(rate("echo", n) for n in rounds),
            "log step updates per CPU-second": median(rate("log step", n) for n in rounds),
            "floor updates per CPU-second": median(rate("log step, engine at its floor", n) for n in rounds),
            "log step / echo": round(median(rate("log step", n) / rate("echo", n) for n in rounds), 3),
            "floor / echo": round(median(rate("log step, engine at its floor", n) / rate("echo", n)
                                         for n in rounds), 3)}
        print(f"{engine_name}: log step / echo = {result[engine_name]['log step / echo']}, engine at its floor / echo"
              f" = {result[engine_name]['floor / echo']} (medians of {args.rounds} rounds, per CPU-second)")
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / ("floor-quick.json" if args.quick else "floor.json")
    target.write_text(json.dumps({"when": datetime.now(UTC).isoformat(timespec="seconds"), "rounds": args.rounds,
                                  "students": args.students, "messages_per_student": args.messages,
                                  "result": result, "runs": runs}, ensure_ascii=False, indent=2) + "\n",
                      encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
