"""Benchmark: the office's Excel export over a synthetic province, its time and peak memory.

Run with `.venv/bin/python bench/export.py` (default: 100,000 students and 1,000,000 growth logs, and the same
export at a tenth of that as the baseline measured in the same run). Each export runs in a fresh process, so
its peak RSS is its own. Memory stays flat when the big run's peak is close to the small run's.
Also measured: the same rows read from the database without writing the workbook (what the XLSX writing adds).
Prints a table and writes bench/results/export.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "export.json"
SCHOOLS = ["山西大学附属中学", "山西省实验中学", "太原市第五中学校", "太原师范学院附属中学", "太原市第十二中学校"]
SUBJECTS = ["物理学", "数学", "计算机科学与技术"]
DID = "在导师实验室测量石墨烯样品的电阻，学习四探针法，记录了温度变化对电阻的影响，并和师兄讨论了误差来源。"
LEARNED = "理解了接触电阻为什么会影响两探针测量，学会了用锁相放大器读小信号。"
NEXT = "下周重复测量三次取平均；阅读综述第二章。"


def build(path: Path, students: int, logs: int) -> None:
    """A province at year end, written with plain sqlite3 (fast), after the real migrations made the schema."""
    from storage.db import create_engine, migrate

    async def schema() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate(engine)
        await engine.dispose()

    asyncio.run(schema())
    rng = random.Random(7)
    now = datetime(2026, 11, 20, 2, 0).isoformat(" ")
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    db.executemany("INSERT INTO schools (id, name) VALUES (?, ?)", [(i + 1, s) for i, s in enumerate(SCHOOLS)]
                   + [(6, "山西大学")])
    mentors = max(3, students // 300)
    teachers = max(5, students // 200)
    people, roles, supervisions = [], [], []
    for m in range(mentors):
        people.append((m + 1, f"导师{m:04d}", 6, SUBJECTS[m % 3], None, now))
        roles.append((m + 1, "mentor"))
    for k in range(teachers):
        pid = mentors + k + 1
        people.append((pid, f"老师{k:04d}", (k % 5) + 1, None, None, now))
        roles.append((pid, "teacher"))
    first_student = mentors + teachers + 1
    for s in range(students):
        pid = first_student + s
        people.append((pid, f"学生{s:06d}", (s % 5) + 1, SUBJECTS[s % 3], "高一" if s % 2 else "高二", now))
        roles.append((pid, "student"))
        supervisions.append((pid, 1 + (s % mentors), "mentor"))
        supervisions.append((pid, mentors + 1 + (s % teachers), "teacher"))
    db.executemany("INSERT INTO people (id, name, school_id, subject, grade, created_at) VALUES (?,?,?,?,?,?)", people)
    db.executemany("INSERT INTO person_roles (person_id, role) VALUES (?, ?)", roles)
    db.executemany("INSERT INTO supervisions (student_id, supervisor_id, relation) VALUES (?,?,?)", supervisions)

    def log_rows():  # noqa: ANN202
        start = date(2026, 1, 1)
        for i in range(logs):
            student = first_student + (i % students)
            day = start + timedelta(days=rng.randrange(320))
            status = "confirmed" if i % 3 else "submitted"
            reviewer = mentors + 1 + ((student - first_student) % teachers) if status == "confirmed" else None
            yield (i + 1, student, ("meeting", "lecture", "reading", "research")[i % 4], day.isoformat(), DID,
                   LEARNED, NEXT, 2.0, status, now, now, now if reviewer else None, reviewer)

    db.executemany("INSERT INTO growth_logs (id, student_id, kind, activity_date, did, learned, next_steps, hours, "
                   "status, submitted_at, updated_at, reviewed_at, reviewed_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   log_rows())
    db.executemany("INSERT INTO log_attachments (log_id, position, kind, file_id, file_name) VALUES (?,?,?,?,?)",
                   ((i, 0, "document", f"F{i}", f"实验记录{i}.pdf") for i in range(1, logs + 1, 10)))
    answers = json.dumps({"status": "good", "status_note": "认真", "topic": "石墨烯", "topic_note": "电阻",
                          "progress": "按计划推进", "comments": "继续努力"}, ensure_ascii=False)
    db.executemany("INSERT INTO evaluations (student_id, mentor_id, kind, program_year, status, answers, created_at, "
                   "updated_at, submitted_at) VALUES (?,?,?,?,?,?,?,?,?)",
                   ((first_student + s, 1 + (s % mentors), "initial", 2026, "submitted", answers, now, now, now)
                    for s in range(students)))
    db.executemany("INSERT INTO training_plans (id, student_id, program_year, status, latest, approved, created_at, "
                   "updated_at) VALUES (?,?,?,?,?,?,?,?)",
                   ((s + 1, first_student + s, 2026, "approved", 1, 1, now, now) for s in range(students)))
    db.executemany("INSERT INTO training_plan_versions (plan_id, number, author_id, status, goals, reading, topic, "
                   "sessions, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                   ((s + 1, 1, 1 + (s % mentors), "approved", "掌握实验方法", "《费曼物理学讲义》", "石墨烯",
                     '{"3": 4, "4": 3, "5": 3}', now) for s in range(students)))
    db.executemany("INSERT INTO annual_results (student_id, program_year, science_interest, innovation_potential, "
                   "overall_ability, english_communication, outcome, international_candidate, note, recorded_at) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?)",
                   ((first_student + s, 2026, "good", "good", "good", "good",
                     ("excellent", "qualified", "qualified", "unqualified")[s % 4], s % 10 == 0, "", now)
                    for s in range(students)))
    db.commit()
    db.close()


async def _run(path: Path, out: Path, write: bool) -> dict[str, int]:
    from zoneinfo import ZoneInfo

    from program.i18n import plain_translator
    from storage import export_activity, export_assessment
    from storage.db import create_engine, session_factory
    from storage.export import export

    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    f = export_activity.ExportFilter(2026, date(2026, 1, 1), date(2026, 12, 31), ZoneInfo("Asia/Shanghai"))
    t = plain_translator("zh_CN")
    try:
        async with session_factory(engine)() as session:
            if write:
                return await export(session, str(out), f, t, today=date(2026, 11, 20))
            names = await export_activity.Names().load(session)  # the same queries, rows thrown away
            counted = 0
            for rows in (export_activity.people_rows(session, f, t, names),
                         export_activity.log_rows(session, f, t, names),
                         export_assessment.plan_rows(session, f, t, names),
                         export_assessment.result_rows(session, f, t, names)):
                async for _ in rows:
                    counted += 1
            return {"rows": counted}
    finally:
        await engine.dispose()


def child(path: Path, write: bool) -> None:
    """One measurement in this fresh process: prints seconds, peak RSS and rows as JSON."""
    out = Path(tempfile.mkdtemp()) / "report.xlsx"
    started = time.perf_counter()
    written = asyncio.run(_run(path, out, write))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": round(resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "rows": written,
        "file_mb": round(out.stat().st_size / 2**20, 1) if out.exists() else None}))


def measure(path: Path, write: bool) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", str(path)] + ([] if write else ["--read-only"]),
                            capture_output=True, text=True, timeout=3600, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, not args.read_only)
        return 0
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for scale, students, logs in (("baseline (a tenth)", args.students // 10, args.logs // 10),
                                      ("full", args.students, args.logs)):
            path = Path(folder) / f"province-{students}.db"
            started = time.perf_counter()
            build(path, students, logs)
            built = time.perf_counter() - started
            read = measure(path, write=False)
            written = measure(path, write=True)
            runs.append({"scale": scale, "students": students, "logs": logs, "build_seconds": round(built, 1),
                         "read_only": read, "export": written})
            print(f"{scale:>20}: {students:>7} students {logs:>8} logs | read rows {read['seconds']:>7.1f} s "
                  f"{read['peak_rss_mb']:>6.0f} MB | export {written['seconds']:>7.1f} s "
                  f"{written['peak_rss_mb']:>6.0f} MB peak, {written['file_mb']} MB file", flush=True)
            path.unlink()
    small, big = runs[0]["export"], runs[1]["export"]
    summary = {"rss_growth_10x_data": round(big["peak_rss_mb"] / small["peak_rss_mb"], 2),
               "time_growth_10x_data": round(big["seconds"] / small["seconds"], 2),
               "xlsx_share_of_time": round(1 - runs[1]["read_only"]["seconds"] / big["seconds"], 2)}
    print(f"10× the data: {summary['time_growth_10x_data']}× the time, {summary['rss_growth_10x_data']}× the peak "
          f"memory; writing the XLSX is {summary['xlsx_share_of_time']:.0%} of the full export's time")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(), "database": "SQLite (file, WAL)",
        "load_average_at_end": os.getloadavg(),  # the machine is shared: a busy one stretches every figure
        "runs": runs, "summary": summary}, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
