"""Synthetic program data for the sweep benchmark: a national-scale year, written in bulk (not through the ORM).

100,000 students in 1,000 schools (5 teachers each), 2,000 mentors with 50 students each, 1,000,000 growth
logs over the year, 20,000 scheduled sessions with 5 students each, half the initial evaluations done.
Everyone has joined the bot. Deterministic (seeded), so two runs sweep the same data.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

KINDS = ("meeting", "lecture", "reading", "research", "seminar", "camp", "other")
YEAR = 2027


@dataclass(frozen=True)
class Size:
    students: int = 100_000
    mentors: int = 2_000
    teachers: int = 5_000
    logs: int = 1_000_000
    sessions: int = 20_000

    @property
    def schools(self) -> int:
        return max(1, self.teachers // 5)


def _moment(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def tables(size: Size) -> Iterator[tuple[str, list[str], Iterator[tuple[Any, ...]]]]:
    """(table, columns, rows) in an order the foreign keys accept."""
    rng = random.Random(7)
    joined = _moment(date(YEAR, 1, 5), 2)
    yield "schools", ["id", "name"], ((i, f"学校{i:04d}") for i in range(1, size.schools + 1))
    mentors = range(1, size.mentors + 1)
    teachers = range(size.mentors + 1, size.mentors + size.teachers + 1)
    first_student = size.mentors + size.teachers + 1
    students = range(first_student, first_student + size.students)
    office = first_student + size.students

    def people() -> Iterator[tuple[Any, ...]]:
        for pid in mentors:
            yield pid, f"导师{pid:05d}", 1, "物理学", None, joined
        for n, pid in enumerate(teachers):
            yield pid, f"老师{pid:05d}", n // 5 + 1, None, None, joined
        for n, pid in enumerate(students):
            yield pid, f"学生{pid:06d}", n % size.schools + 1, "物理学", "高一", joined
        yield office, "办公室", 1, None, None, joined

    yield "people", ["id", "name", "school_id", "subject", "grade", "created_at"], people()

    def roles() -> Iterator[tuple[Any, ...]]:
        yield from ((pid, "mentor") for pid in mentors)
        yield from ((pid, "teacher") for pid in teachers)
        yield from ((pid, "student") for pid in students)
        yield office, "office"

    yield "person_roles", ["person_id", "role"], roles()

    def supervisions() -> Iterator[tuple[Any, ...]]:
        for n, pid in enumerate(students):
            yield pid, mentors[n % size.mentors], "mentor"
            school = n % size.schools
            yield pid, teachers[school * 5 + (n // size.schools) % 5], "teacher"

    yield "supervisions", ["student_id", "supervisor_id", "relation"], supervisions()
    yield "accounts", ["id", "person_id", "channel", "external_id", "chat_id", "language_code", "bound_at"], (
        (pid, pid, "telegram", 10_000_000 + pid, 10_000_000 + pid, "zh-hans", joined)
        for pid in range(1, office + 1))

    sessions: list[tuple[int, int, datetime]] = []
    for sid in range(1, size.sessions + 1):
        starts = _moment(date(YEAR, 1, 10) + timedelta(days=rng.randrange(355)), rng.choice((1, 6, 8)))
        sessions.append((sid, mentors[sid % size.mentors], starts))
    yield "training_sessions", ["id", "mentor_id", "starts_at", "ends_at", "place", "topic", "created_at"], (
        (sid, mentor, starts, starts + timedelta(hours=2), "实验室", f"课题讨论{sid}", joined)
        for sid, mentor, starts in sessions)

    def invitees() -> Iterator[tuple[Any, ...]]:
        for sid, mentor, _ in sessions:  # five of the mentor's students (student n has mentor n % mentors)
            group = range(mentor - 1, size.students, size.mentors)
            for n in group[sid % 10:sid % 10 + 5]:
                yield sid, students[n], True

    yield "session_invitees", ["session_id", "student_id", "attending"], invitees()

    def logs() -> Iterator[tuple[Any, ...]]:
        statuses = ["confirmed"] * 12 + ["submitted"] * 6 + ["rejected"]
        for lid in range(1, size.logs + 1):
            student = students[lid % size.students]
            day = date(YEAR, 1, 8) + timedelta(days=rng.randrange(350))
            status, kind = rng.choice(statuses), rng.choice(KINDS)
            filed = _moment(day, 12)
            yield (lid, student, kind, day, "读书，实验，讨论", "", "", 1.5, None, status, filed, filed,
                   filed + timedelta(days=1) if status != "submitted" else None, "请补充" if status == "rejected"
                   else None, 1)

    yield "growth_logs", ["id", "student_id", "kind", "activity_date", "did", "learned", "next_steps", "hours",
                          "session_id", "status", "submitted_at", "updated_at", "reviewed_at", "reject_reason",
                          "version"], logs()
    yield "evaluations", ["id", "student_id", "mentor_id", "kind", "program_year", "status", "answers",
                          "created_at", "updated_at", "submitted_at", "version"], (
        (n + 1, pid, mentors[n % size.mentors], "initial", YEAR, "submitted", "{}", joined, joined, joined, 1)
        for n, pid in enumerate(students) if n % 2 == 0)
