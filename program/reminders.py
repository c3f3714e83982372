"""Reminder rules as data: who is reminded of what, in which category, and the [reminders] table that times them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from enum import StrEnum
from typing import Any

from program.i18n import N_
from program.quiet_hours import DEFAULT_QUIET
from program.roles import Role


class Rule(StrEnum):
    """One reminder rule; its value is the outbox kind and the middle part of the dedupe key."""

    SESSION_LOG = "session_log"  # a few hours after a session the student was invited to
    SESSION_LOG_EVENING = "session_log_evening"  # the next evening, if still not logged
    RETURNED_LOG = "returned_log"  # a log the teacher sent back, not fixed yet
    BEHIND_PACE = "behind_pace"  # monthly: behind the even pace to the required sessions
    DEADLINE = "deadline"  # 7 and 3 days before a deadline the student owns
    DEADLINE_LAST = "deadline_last"  # the last notice before it (1 day): cannot be muted
    IDLE = "idle"  # no growth log for a month
    EVALUATION = "evaluation"  # a mentor's evaluation window: first day, then every few days
    EVALUATION_LAST_DAY = "evaluation_last_day"  # the window's last day: cannot be muted
    MENTOR_SUMMARY = "mentor_summary"  # monthly: each student's sessions and last log
    TEACHER_DIGEST = "teacher_digest"  # weekly: logs waiting for confirmation, students behind
    OFFICE_SUMMARY = "office_summary"  # weekly: numbers, outstanding evaluations, who cannot be reached


class Category(StrEnum):
    """What a person can mute in /settings."""

    SESSION_LOGS = "sessions"
    RETURNED_LOGS = "returned"
    DEADLINES = "deadlines"
    PROGRESS = "progress"
    EVALUATIONS = "evaluations"
    MENTOR_SUMMARY = "msummary"
    TEACHER_DIGEST = "digest"
    OFFICE_SUMMARY = "osummary"


RULE_CATEGORY: dict[Rule, Category | None] = {
    Rule.SESSION_LOG: Category.SESSION_LOGS,
    Rule.SESSION_LOG_EVENING: Category.SESSION_LOGS,
    Rule.RETURNED_LOG: Category.RETURNED_LOGS,
    Rule.BEHIND_PACE: Category.PROGRESS,
    Rule.IDLE: Category.PROGRESS,
    Rule.DEADLINE: Category.DEADLINES,
    Rule.DEADLINE_LAST: None,  # the last notice before a deadline is never muted
    Rule.EVALUATION: Category.EVALUATIONS,
    Rule.EVALUATION_LAST_DAY: None,
    Rule.MENTOR_SUMMARY: Category.MENTOR_SUMMARY,
    Rule.TEACHER_DIGEST: Category.TEACHER_DIGEST,
    Rule.OFFICE_SUMMARY: Category.OFFICE_SUMMARY,
}

CATEGORY_ROLE: dict[Category, Role] = {
    Category.SESSION_LOGS: Role.STUDENT, Category.RETURNED_LOGS: Role.STUDENT, Category.DEADLINES: Role.STUDENT,
    Category.PROGRESS: Role.STUDENT, Category.EVALUATIONS: Role.MENTOR, Category.MENTOR_SUMMARY: Role.MENTOR,
    Category.TEACHER_DIGEST: Role.TEACHER, Category.OFFICE_SUMMARY: Role.OFFICE,
}

CATEGORY_LABELS: dict[Category, str] = {
    Category.SESSION_LOGS: N_("Log a session you attended"),
    Category.RETURNED_LOGS: N_("Logs your teacher sent back"),
    Category.DEADLINES: N_("Deadlines (7 and 3 days before)"),
    Category.PROGRESS: N_("Monthly progress notes"),
    Category.EVALUATIONS: N_("Evaluation windows (every few days)"),
    Category.MENTOR_SUMMARY: N_("Monthly summary of my students"),
    Category.TEACHER_DIGEST: N_("Weekly digest on Monday"),
    Category.OFFICE_SUMMARY: N_("Weekly program summary"),
}

# Reminders someone is waiting on go before bulk ones: a post-session reminder never queues behind a
# fan-out of 10,000 deadline nudges. Notices caused by someone's action (priority 0) go first of all.
NOTICE_PRIORITY = 0
RULE_PRIORITY: dict[Rule, int] = {Rule.SESSION_LOG: 1, Rule.SESSION_LOG_EVENING: 1, Rule.RETURNED_LOG: 1}
BULK_PRIORITY = 2


def priority_of(rule: Rule) -> int:
    return RULE_PRIORITY.get(rule, BULK_PRIORITY)


def categories_for(roles: frozenset[Role] | set[Role]) -> list[Category]:
    return [c for c in Category if CATEGORY_ROLE[c] in roles]


def category_of(kind: str) -> Category | None:
    """The category of an outbox kind; None for notices and for reminders that cannot be muted."""
    try:
        return RULE_CATEGORY[Rule(kind)]
    except ValueError:
        return None


def is_reminder(kind: str) -> bool:
    return kind in Rule.__members__.values()


# ---- quiet hours ---------------------------------------------------------------------------------

QuietHours = tuple[time, time]
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")


def parse_quiet(text: str) -> QuietHours:
    """"22:00-07:30" → (22:00, 07:30); a broken value fails loudly when the file is read."""
    match = _SPAN.match(text)
    if not match:
        raise ValueError(f"quiet hours must look like 22:00-07:30, not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError(f"quiet hours {text!r} are empty")
    return start, end


def quiet_text(quiet: QuietHours) -> str:
    return f"{quiet[0]:%H:%M}–{quiet[1]:%H:%M}"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _clock_time(value: Any, key: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"[reminders] {key}: {value!r} is not a time like 09:00") from None


def _weekly(value: Any, key: str) -> tuple[int, time]:
    """"monday 08:00" → (0, 08:00)."""
    parts = str(value).lower().split()
    if len(parts) != 2 or parts[0] not in WEEKDAYS:
        raise ValueError(f"[reminders] {key}: {value!r} should look like \"monday 08:00\"")
    return WEEKDAYS.index(parts[0]), _clock_time(parts[1], key)


@dataclass(frozen=True)
class ReminderConfig:
    """The [reminders] table of the program file; every value has the issue's default."""

    daytime: time = time(9, 0)
    quiet_hours: QuietHours = DEFAULT_QUIET
    quiet_presets: tuple[QuietHours, ...] = (
        (time(21, 0), time(7, 0)), DEFAULT_QUIET, (time(23, 0), time(8, 0)), (time(22, 0), time(9, 0)))
    session_log_after: timedelta = timedelta(hours=3)
    session_log_again_at: time = time(19, 0)
    session_log_late: timedelta = timedelta(hours=24)
    session_length: timedelta = timedelta(hours=2)
    returned_log_after: timedelta = timedelta(days=2)
    deadline_days: tuple[int, ...] = (7, 3, 1)
    pace_day: int = 1
    idle_days: int = 30
    evaluation_every_days: int = 2
    mentor_summary_day: int = 1
    teacher_digest: tuple[int, time] = (0, time(8, 0))
    office_summary: tuple[int, time] = (0, time(8, 30))
    digest_grace: timedelta = timedelta(hours=12)
    record_missed: timedelta = timedelta(days=7)

    @classmethod
    def from_table(cls, table: dict[str, Any] | None) -> ReminderConfig:
        table = dict(table or {})
        students, mentors = table.pop("students", {}), table.pop("mentors", {})
        teachers, office, lateness = table.pop("teachers", {}), table.pop("office", {}), table.pop("lateness", {})
        defaults = cls()

        def number(section: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
            value = section.get(key, default)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high:
                raise ValueError(f"[reminders] {key} must be a number from {low} to {high}, not {value!r}")
            return value

        days = tuple(sorted({int(d) for d in students.get("deadline_days", defaults.deadline_days)}, reverse=True))
        if not days or any(d < 1 or d > 60 for d in days):
            raise ValueError("[reminders] deadline_days must be whole days from 1 to 60")
        presets = tuple(parse_quiet(p) for p in table.get("quiet_presets", ())) or defaults.quiet_presets
        quiet = parse_quiet(table["quiet_hours"]) if "quiet_hours" in table else defaults.quiet_hours
        return cls(
            daytime=_clock_time(table.get("daytime", "09:00"), "daytime"),
            quiet_hours=quiet,
            quiet_presets=presets if quiet in presets else (quiet, *presets),
            session_log_after=timedelta(hours=number(students, "session_log_after_hours", 3, 0, 48)),
            session_log_again_at=_clock_time(students.get("session_log_again_at", "19:00"), "session_log_again_at"),
            session_log_late=timedelta(hours=number(students, "session_log_late_hours", 24, 1, 24 * 7)),
            session_length=timedelta(hours=number(students, "session_hours", 2, 0.25, 24)),
            returned_log_after=timedelta(days=number(students, "returned_log_after_days", 2, 0, 30)),
            deadline_days=days,
            pace_day=int(number(students, "pace_day", 1, 1, 28)),
            idle_days=int(number(students, "idle_days", 30, 7, 365)),
            evaluation_every_days=int(number(mentors, "evaluation_every_days", 2, 1, 30)),
            mentor_summary_day=int(number(mentors, "summary_day", 1, 1, 28)),
            teacher_digest=_weekly(teachers.get("digest", "monday 08:00"), "teachers.digest"),
            office_summary=_weekly(office.get("summary", "monday 08:30"), "office.summary"),
            digest_grace=timedelta(hours=number(lateness, "digest_grace_hours", 12, 1, 24 * 6)),
            record_missed=timedelta(days=number(lateness, "record_missed_days", 7, 1, 60)),
        )


# ---- the buttons reminders carry: payloads of the flows that act on them (see handlers/) ------------------

NEW_LOG = "log:new"
SHOW_DEADLINES = "deadlines:show"
MY_STUDENTS = "mst:list"
TO_CONFIRM = "tch:list"
OVERVIEW = "office:overview"


def log_session(session_id: int) -> str:
    """Opens a new growth log already filled in with this session."""
    return f"log:for:{session_id}"


def log_event(broadcast_id: int) -> str:
    """Opens a new growth log already filled in with an office event the student said they would attend."""
    return f"log:event:{broadcast_id}"


def fix_log(log_id: int) -> str:
    return f"logedit:open:{log_id}"


def write_evaluations(kind: str) -> str:
    return f"ev:kind:{kind}"
