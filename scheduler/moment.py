"""What a reminder's words are written from (the moment it goes out) and what writing them gives (ready or dropped)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from program.calendar import ProgramYear
from program.i18n import Translator, format_day
from program.reminders import ReminderConfig
from storage.outbox import Delivery

Buttons = list[list[list[str]]]


@dataclass(frozen=True)
class Ready:
    text: str
    buttons: Buttons


@dataclass(frozen=True)
class Drop:
    status: str  # "missed": its moment passed; "skipped": no longer owed
    reason: str


Outcome = Ready | Drop
DONE = Drop("skipped", "no longer owed")


def one_button(t: Translator, label: str, payload: str) -> Buttons:
    return [[[t.raw(label), payload]]]


def days_left(t: Translator, days: int) -> str:
    return t("due today") if days == 0 else t.plural("%(n)d day left", "%(n)d days left", days)


def names(t: Translator, found: list[str], limit: int = 12) -> str:
    shown = t(", ").join(found[:limit])
    return shown if len(found) <= limit else t("%(names)s and %(more)d more", names=shown, more=len(found) - limit)


@dataclass(frozen=True)
class Moment:
    """What every rule needs to know about the moment it is sent."""

    session: AsyncSession
    delivery: Delivery
    t: Translator
    now: datetime
    today: date
    year: ProgramYear
    config: ReminderConfig
    zone: tzinfo
    edit_days: int

    def day(self, value: date, *, year: bool = False) -> str:
        return format_day(value, self.t.language, year=year)


Render = Callable[[Moment], Awaitable[Outcome]]
