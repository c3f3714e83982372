"""A sweep asks the database once per rule, however many people there are; the scheduler runs it at start-up,
then on its interval, under fixed job ids."""
from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event

from program.clock import SettableClock
from scheduler.delivery import DeliveryWorker
from scheduler.jobs import Jobs
from scheduler.sweeper import Sweeper
from storage.db import create_engine, session_factory
from tests.conftest import at
from tests.reminders.crowd import crowd

MOMENTS = ("2027-03-10 20:00", "2027-04-05 10:00", "2027-05-01 09:00", "2027-12-24 09:05")


async def statements_per_sweep(template: Path, folder: Path, students: int, calendar) -> list[tuple[int, int, int]]:  # noqa: ANN001
    """(rules swept, SQL statements, reminders written) at each moment, for a crowd of `students`."""
    path = folder / f"crowd-{students}.db"
    shutil.copy(template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = session_factory(engine)
    await crowd(sessions, students, at("2027-02-01 10:00"))
    counted: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: counted.append(args[2]))
    found = []
    for moment in MOMENTS:
        counted.clear()
        sweeper = Sweeper(sessions, SettableClock(at(moment), frozen=True), calendar)
        written = await sweeper.sweep()
        statements = [s for s in counted if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
        found.append((len(sweeper.durations), len(statements), written))
    await engine.dispose()
    return found


async def test_a_sweep_runs_the_same_statements_for_twenty_students_as_for_four_hundred(
        sqlite_template, tmp_path, calendar):
    few = await statements_per_sweep(sqlite_template, tmp_path, 20, calendar)
    many = await statements_per_sweep(sqlite_template, tmp_path, 400, calendar)
    assert [(rules, statements) for rules, statements, _ in few] == [(r, s) for r, s, _ in many], \
        "a rule that loops over people asks more often for more people"
    assert all(statements <= 2 * rules for rules, statements, _ in many), many  # a lookup and one INSERT … SELECT
    assert sum(w for *_, w in many) > 10 * sum(w for *_, w in few) > 0, "both crowds were due reminders"


async def test_the_scheduler_sweeps_at_start_up_then_every_interval_under_fixed_ids(sessions, calendar):
    clock = SettableClock(at("2027-04-01 09:00"), frozen=True)
    worker = DeliveryWorker(sessions, sender=None, clock=clock)  # never drains in this test
    jobs = Jobs(sessions, worker, clock, interval=5, sweeper=Sweeper(sessions, clock, calendar), sweep_interval=300)
    started = datetime.now(UTC)
    jobs.start()
    try:
        sweep = jobs.scheduler.get_job("reminders")
        assert sweep.trigger.interval == timedelta(seconds=300)
        assert sweep.next_run_time - started < timedelta(seconds=5), "the first sweep runs at start-up"
        assert sweep.coalesce and sweep.misfire_grace_time == 300 and sweep.max_instances == 1
        assert {job.id for job in jobs.scheduler.get_jobs()} == {"outbox", "reminders", "housekeeping"}
        jobs.scheduler.add_job(jobs.sweep, "interval", seconds=60, id="reminders", replace_existing=True)
        assert len(jobs.scheduler.get_jobs()) == 3, "re-adding a job under its id replaces it"
    finally:
        jobs.shutdown()


async def test_the_idle_rule_is_asked_once_a_day_even_when_nobody_is_idle(sessions, calendar):
    await crowd(sessions, 20, at("2027-02-01 10:00"))
    clock = SettableClock(at("2027-02-20 09:00"), frozen=True)  # everyone joined less than 30 days ago
    sweeper = Sweeper(sessions, clock, calendar)
    await sweeper.sweep()
    assert sweeper.written["idle"] == 0
    clock.set(at("2027-02-20 16:00"))
    await sweeper.sweep()
    assert "idle" not in sweeper.written, "decided for today"
    clock.set(at("2027-03-05 09:00"))
    await sweeper.sweep()
    assert sweeper.written["idle"] == 20, "a new day: asked again, and a month without logs is idle"


async def test_someone_who_joins_after_an_occasions_first_sweep_gets_it_at_the_next(program):  # noqa: ANN001
    wang = await program.join("王小明")
    first = await program.at("2027-12-24 09:00")
    assert [s for s in first if s.chat_id == wang.user_id and "还剩 7 天" in s.text]
    sun = await program.join("孙悦")  # after the sweep that decided about everyone who had joined
    later = await program.at("2027-12-24 09:05")
    assert [s for s in later if s.chat_id == sun.user_id and "还剩 7 天" in s.text], "the late joiner is swept too"
    assert not [s for s in later if s.chat_id == wang.user_id], "and nobody twice"
