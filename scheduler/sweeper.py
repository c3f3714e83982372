"""The reminder sweeps: what is due now goes into the outbox, once per person, rule and occasion, from any process."""
from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from program.calendar import ProgramCalendar
from program.clock import PROGRAM_ZONE, Clock
from program.evaluations import KIND_WINDOWS, EvaluationKind, evaluation_window
from program.occasions import (
    daytime_reached,
    deadline_occasion,
    evening_buckets,
    local_day,
    monthly_occasion,
    student_deadlines,
    weekly_occasion,
)
from program.quiet_hours import next_send_time
from program.reminders import Rule
from program.sessions import expected_by
from scheduler.event_texts import ask_to_log
from storage import broadcasts, outbox, staff_reminders, student_reminders

log = logging.getLogger(__name__)
Step = Callable[[AsyncSession], Awaitable[int]]


@dataclass
class Sweeper:
    """Runs every rule's one statement, each in its own transaction; safe to run twice at once, or in two processes."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    calendar: ProgramCalendar
    zone: tzinfo = PROGRAM_ZONE
    on_enqueued: Callable[[], None] = lambda: None
    durations: dict[str, float] = field(default_factory=dict)  # seconds each rule took in the last sweep
    written: dict[str, int] = field(default_factory=dict)  # rows each rule wrote in the last sweep
    runs: int = 0  # sweeps completed since start
    # The idle rule is decided once a day. Its rows say so when it wrote some; when nobody was idle they
    # cannot, and asking again every few minutes was most of a steady sweep's time. A new process asks once.
    idle_decided: date | None = None

    async def sweep(self) -> int:
        """One pass over every rule at the current program time; returns how many reminders were written."""
        total = 0
        self.written.clear()
        self.durations.clear()
        now = self.clock.now()
        for name, step in self.steps(now):
            started = time.perf_counter()
            try:
                async with self.sessions() as session, session.begin():
                    count = await step(session)
                if name == Rule.IDLE.value:
                    self.idle_decided = local_day(now, self.zone)
            except Exception:
                log.exception("reminder sweep %s failed", name)
                count = 0
            self.durations[name] = time.perf_counter() - started
            self.written[name] = count
            total += count if name != "expired" else 0
        self.runs += 1
        if total:
            self.on_enqueued()
        return total

    def steps(self, now: datetime) -> list[tuple[str, Step]]:
        """Each rule's statement for this moment; rules with nothing due now are left out."""
        config, zone = self.calendar.reminders, self.zone
        today = local_day(now, zone)
        year = self.calendar.for_date(today)
        training, required = year.training, year.sessions_required
        steps: list[tuple[str, Step]] = [
            ("expired", lambda s: outbox.expire_overdue(s, now)),
            (Rule.SESSION_LOG.value, lambda s: student_reminders.session_log(s, config, now)),
            (Rule.SESSION_LOG_EVENING.value,
             lambda s: student_reminders.session_log_evening(s, evening_buckets(config, now, zone), now)),
            (Rule.RETURNED_LOG.value,
             lambda s: student_reminders.returned_log(s, config, self.calendar.log_edit_days, now)),
            ("event_follow_up", lambda s: broadcasts.follow_up_events(s, now, next_send_time(now, zone),
                                                                      ask_to_log(zone))),
        ]
        owes = {"training_end": student_reminders.fewer_sessions(training, required),
                "annual_materials": student_reminders.materials_missing(year.year)}
        for milestone, due in student_deadlines(year).items():
            found = deadline_occasion(milestone, due, config, now, zone)
            if found is not None:
                steps.append((f"deadline:{milestone}", partial(student_reminders.deadline, occasion=found[0],
                                                               owes=owes[milestone], now=now)))
        in_training = training[0] <= today <= training[1]
        pace = monthly_occasion(Rule.BEHIND_PACE, config.pace_day, config, now, zone)
        expected = expected_by(today, *training, required)
        if in_training and pace is not None and expected > 0:
            steps.append((Rule.BEHIND_PACE.value,
                          lambda s: student_reminders.behind_pace(s, pace, training, expected, now)))
        if daytime_reached(config, now, zone):
            if in_training and self.idle_decided != today:
                steps.append((Rule.IDLE.value,
                              lambda s: student_reminders.idle(s, config.idle_days, now, today.isoformat())))
            for kind in EvaluationKind:
                window = evaluation_window(kind, year)
                for last_day in (False, True):
                    rule = Rule.EVALUATION_LAST_DAY if last_day else Rule.EVALUATION
                    steps.append((f"{rule.value}:{kind.value}", partial(
                        staff_reminders.evaluation, kind=kind, window_name=KIND_WINDOWS[kind].value, year=year.year,
                        program=window, every_days=config.evaluation_every_days, today=today, now=now,
                        last_day=last_day)))
        summary = monthly_occasion(Rule.MENTOR_SUMMARY, config.mentor_summary_day, config, now, zone)
        if summary is not None:
            steps.append((Rule.MENTOR_SUMMARY.value, lambda s: staff_reminders.mentor_summary(s, summary, now)))
        digest = weekly_occasion(Rule.TEACHER_DIGEST, config.teacher_digest, config, now, zone)
        if digest is not None:
            behind = expected if in_training else 0
            steps.append((Rule.TEACHER_DIGEST.value,
                          lambda s: staff_reminders.teacher_digest(s, digest, training, behind, now)))
        office = weekly_occasion(Rule.OFFICE_SUMMARY, config.office_summary, config, now, zone)
        if office is not None:
            steps.append((Rule.OFFICE_SUMMARY.value, lambda s: staff_reminders.office_summary(s, office, now)))
        return steps

