"""The program calendar: milestones and windows of a program year, read from a file the office edits."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from program.i18n import N_
from program.reminders import ReminderConfig
from program.roles import Role

DEFAULT_CALENDAR_FILE = Path(__file__).resolve().parent.parent / "config" / "program.toml"


class Window(StrEnum):
    TRAINING = "training"
    INITIAL_EVALUATION = "initial_evaluation"
    MIDTERM_EVALUATION = "midterm_evaluation"
    ANNUAL_MENTOR_EVALUATION = "annual_mentor_evaluation"
    ANNUAL_EVALUATION = "annual_evaluation"


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str  # msgid
    due: date
    starts: date | None = None
    audience: frozenset[Role] = frozenset(Role)

    def days_left(self, today: date) -> int:
        return (self.due - today).days


@dataclass(frozen=True)
class ProgramYear:
    year: int
    windows: dict[Window, tuple[date, date]]
    sessions_required: int
    annual_materials_due: date

    def window(self, which: Window) -> tuple[date, date]:
        return self.windows[which]

    @property
    def training(self) -> tuple[date, date]:
        """The training period (培养周期), in which sessions count."""
        return self.windows[Window.TRAINING]

    def milestones(self) -> list[Milestone]:
        w = self.windows
        mentors, students = frozenset({Role.MENTOR, Role.OFFICE}), frozenset(Role)
        return sorted(
            [
                Milestone("initial_evaluation", N_("Initial evaluation by mentors (初期评价)"),
                          w[Window.INITIAL_EVALUATION][1], w[Window.INITIAL_EVALUATION][0], students),
                Milestone("midterm", N_("Mid-term report and evaluation (中期评价)"),
                          w[Window.MIDTERM_EVALUATION][1], w[Window.MIDTERM_EVALUATION][0], students),
                Milestone("annual_mentor_evaluation", N_("Annual mentor evaluation (年度导师评价)"),
                          w[Window.ANNUAL_MENTOR_EVALUATION][1], w[Window.ANNUAL_MENTOR_EVALUATION][0],
                          mentors),
                Milestone("annual_materials", N_("Annual materials: research report, training report, growth logs"),
                          self.annual_materials_due, None,
                          frozenset({Role.STUDENT, Role.TEACHER, Role.OFFICE})),
                Milestone("training_end", N_("End of the training year"), w[Window.TRAINING][1], None, students),
            ],
            key=lambda m: m.due,
        )


@dataclass(frozen=True)
class ProgramCalendar:
    """All program years: the defaults for any year, with per-year overrides."""

    defaults: dict[str, Any]
    overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    log_edit_days: int = 7
    reminders: ReminderConfig = field(default_factory=ReminderConfig)

    def year(self, year: int) -> ProgramYear:
        settings = {**self.defaults, **self.overrides.get(year, {})}

        def day(value: Any) -> date:
            text = str(value)
            return date.fromisoformat(text if len(text) > 5 else f"{year}-{text}")

        def span(key: str) -> tuple[date, date]:
            start, end = settings[key]
            first, last = day(start), day(end)
            if last < first:
                raise ValueError(f"{key}: {last} is before {first}")
            return first, last

        return ProgramYear(
            year=year,
            windows={w: span(w.value) for w in Window},
            sessions_required=int(settings["sessions_required"]),
            annual_materials_due=day(settings["annual_materials_due"]),
        )

    def for_date(self, today: date) -> ProgramYear:
        return self.year(today.year)


def load_calendar(path: Path | str | None = None) -> ProgramCalendar:
    """Reads the office's calendar file; a broken file fails loudly at start-up, not mid-season."""
    path = Path(path) if path else DEFAULT_CALENDAR_FILE
    with Path(path).open("rb") as f:
        data = tomllib.load(f)
    calendar = ProgramCalendar(
        defaults=data["defaults"],
        overrides={int(y): v for y, v in data.get("years", {}).items()},
        log_edit_days=int(data.get("log_edit_days", 7)),
        reminders=ReminderConfig.from_table(data.get("reminders")),
    )
    for year in {2024, *calendar.overrides}:
        calendar.year(year)  # validate now
    return calendar
