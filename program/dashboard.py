"""The office's overview numbers, computed from plain facts: who is behind, what is outstanding, by group."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Sequence

from program.calendar import ProgramYear
from program.evaluations import EvaluationKind, evaluation_window
from program.growth_log import LogStatus, claims_session
from program.sessions import LoggedActivity, count_sessions, expected_by


@dataclass(frozen=True)
class StudentFacts:
    id: int
    name: str
    school: str
    subject: str | None
    mentors: tuple[int, ...]
    exited: bool


@dataclass(frozen=True)
class Group:
    name: str
    students: int
    logs: int
    confirmed: int  # confirmed sessions of all its students together
    behind: tuple[int, ...]  # student ids behind pace

    @property
    def average(self) -> float:
        return self.confirmed / self.students if self.students else 0.0


@dataclass(frozen=True)
class Overview:
    year: int
    today: date
    required: int
    pace: int  # confirmed sessions a student should have by today
    students: int  # still in the program
    exited: int
    logs: int
    waiting: int  # logs that claim a session and wait for a teacher
    confirmed: dict[int, int]  # student id → confirmed sessions
    behind: tuple[int, ...]
    by_school: tuple[Group, ...]
    by_subject: tuple[Group, ...]
    evaluations: dict[EvaluationKind, int]  # submitted, among students still in the program
    opened: tuple[EvaluationKind, ...]  # windows that have opened by today
    outstanding: dict[EvaluationKind, dict[int, tuple[int, ...]]] = field(default_factory=dict)  # mentor → students


def _groups(active: Sequence[StudentFacts], key: Callable[[StudentFacts], str], confirmed: dict[int, int],
            logs: dict[int, int], pace: int) -> tuple[Group, ...]:
    members: dict[str, list[StudentFacts]] = defaultdict(list)
    for student in active:
        members[key(student)].append(student)
    return tuple(Group(name, len(group), sum(logs[s.id] for s in group), sum(confirmed[s.id] for s in group),
                       tuple(s.id for s in group if confirmed[s.id] < pace))
                 for name, group in sorted(members.items()))


def build_overview(year: ProgramYear, today: date, students: Sequence[StudentFacts],
                   activities: dict[int, list[LoggedActivity]], submitted: set[tuple[int, EvaluationKind]],
                   ) -> Overview:
    start, end = year.training
    pace = expected_by(today, start, end, year.sessions_required)
    active = [s for s in students if not s.exited]
    confirmed = {s.id: count_sessions(activities.get(s.id, [])) for s in students}
    logs = {s.id: len(activities.get(s.id, [])) for s in students}
    opened = tuple(kind for kind in EvaluationKind if today >= evaluation_window(kind, year).opens)
    outstanding: dict[EvaluationKind, dict[int, tuple[int, ...]]] = {}
    for kind in opened:
        owed: dict[int, list[int]] = defaultdict(list)
        for student in active:
            if (student.id, kind) not in submitted:
                for mentor in student.mentors:
                    owed[mentor].append(student.id)
        outstanding[kind] = {mentor: tuple(ids) for mentor, ids in owed.items()}
    return Overview(
        year=year.year, today=today, required=year.sessions_required, pace=pace, students=len(active),
        exited=len(students) - len(active), logs=sum(logs.values()),
        waiting=sum(1 for s in students for a in activities.get(s.id, [])
                    if a.status is LogStatus.SUBMITTED and claims_session(a.kind)),
        confirmed=confirmed, behind=tuple(s.id for s in active if confirmed[s.id] < pace),
        by_school=_groups(active, lambda s: s.school, confirmed, logs, pace),
        by_subject=_groups(active, lambda s: s.subject or "—", confirmed, logs, pace),
        evaluations={kind: sum(1 for s in active if (s.id, kind) in submitted) for kind in EvaluationKind},
        opened=opened, outstanding=outstanding)
