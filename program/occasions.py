"""When each reminder is due and until when it is worth sending: occasions and lateness, as pure time arithmetic."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from program.calendar import ProgramYear
from program.evaluations import OpenWindow
from program.reminders import ReminderConfig, Rule

PENDING, MISSED = "pending", "missed"


def at_local(day: date, moment: time, zone: tzinfo) -> datetime:
    """A wall-clock time on a day in the program's zone, as an aware UTC datetime."""
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


@dataclass(frozen=True)
class Occasion:
    """One occasion of a rule: its part of the dedupe key, when it is due, and when it stops being worth sending."""

    rule: Rule
    tag: str
    due: datetime
    expires: datetime

    def status(self, now: datetime) -> str:
        """A sweep that finds an occasion already expired records it as missed instead of sending it late."""
        return PENDING if now < self.expires else MISSED


def _latest(occasions: list[Occasion], now: datetime, config: ReminderConfig) -> Occasion | None:
    """The occasion whose time has come most recently, unless it expired so long ago it is no longer recorded."""
    current = None
    for occasion in sorted(occasions, key=lambda o: o.due):
        if occasion.due <= now:
            current = occasion
    if current is None or now >= current.expires + config.record_missed:
        return None
    return current


# ---- deadlines a student owns --------------------------------------------------------------------

STUDENT_DEADLINES = ("annual_materials", "training_end")


def student_deadlines(year: ProgramYear) -> dict[str, date]:
    return {"annual_materials": year.annual_materials_due, "training_end": year.training[1]}


def deadline_occasion(milestone: str, due: date, config: ReminderConfig, now: datetime, zone: tzinfo,
                      ) -> tuple[Occasion, int] | None:
    """The nudge due now before a deadline (7, 3, then 1 day before), with how many days before it is.

    Each nudge is worth sending until the next one takes over; the last one until the end of the deadline
    day, and never after it.
    """
    days = config.deadline_days
    moments = [at_local(due - timedelta(days=d), config.daytime, zone) for d in days]
    end_of_deadline = at_local(due + timedelta(days=1), time(0), zone)
    found: list[Occasion] = []
    for index, d in enumerate(days):
        expires = moments[index + 1] if index + 1 < len(days) else end_of_deadline
        rule = Rule.DEADLINE_LAST if index == len(days) - 1 else Rule.DEADLINE
        found.append(Occasion(rule, f"{milestone}:{due.isoformat()}:{d}", moments[index], expires))
    current = _latest(found, now, config)
    return (current, days[found.index(current)]) if current else None


# ---- monthly and weekly ones -----------------------------------------------------------------------

def monthly_occasion(rule: Rule, day_of_month: int, config: ReminderConfig, now: datetime, zone: tzinfo,
                     ) -> Occasion | None:
    """This month's note from its day on; one that could not go out in its grace is replaced by next month's."""
    today = local_day(now, zone)
    first = today.replace(day=day_of_month)
    if at_local(first, config.daytime, zone) > now:
        previous = (today.replace(day=1) - timedelta(days=1)).replace(day=day_of_month)
        first = previous
    due = at_local(first, config.daytime, zone)
    occasion = Occasion(rule, first.strftime("%Y-%m"), due, due + config.digest_grace)
    return occasion if now < occasion.expires + config.record_missed else None


def weekly_occasion(rule: Rule, when: tuple[int, time], config: ReminderConfig, now: datetime, zone: tzinfo,
                    ) -> Occasion | None:
    """This week's digest; one that could not go out in its grace is recorded as missed and the next replaces it."""
    weekday, moment = when
    today = local_day(now, zone)
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    if at_local(day, moment, zone) > now:
        day -= timedelta(days=7)
    due = at_local(day, moment, zone)
    return Occasion(rule, day.isoformat(), due, due + config.digest_grace)


# ---- post-session reminders ------------------------------------------------------------------------

def session_log_due(ends_at: datetime, config: ReminderConfig) -> datetime:
    return ends_at + config.session_log_after


def session_evening_due(ends_at: datetime, config: ReminderConfig, zone: tzinfo) -> datetime:
    """The evening after the session's day, at 19:00 by default."""
    return at_local(local_day(ends_at, zone) + timedelta(days=1), config.session_log_again_at, zone)


def session_log_expires(ends_at: datetime, config: ReminderConfig, zone: tzinfo) -> datetime:
    """The first reminder is worth sending for 24 h, but never once the evening one is due (that one replaces it)."""
    return min(session_log_due(ends_at, config) + config.session_log_late,
               session_evening_due(ends_at, config, zone))


@dataclass(frozen=True)
class EveningBucket:
    """Sessions that ended on one local day share their evening reminder's moment."""

    starts: datetime  # local midnight of the day the sessions ended (UTC)
    ends: datetime  # the next local midnight
    due: datetime
    expires: datetime


def evening_buckets(config: ReminderConfig, now: datetime, zone: tzinfo) -> list[EveningBucket]:
    """The days whose evening reminder is due by now and still worth sending or recording, newest first."""
    buckets = []
    today = local_day(now, zone)
    for back in range(1, 62):
        day = today - timedelta(days=back)
        due = at_local(day + timedelta(days=1), config.session_log_again_at, zone)
        expires = due + config.session_log_late
        if now >= expires + config.record_missed:
            break
        if due <= now:
            buckets.append(EveningBucket(at_local(day, time(0), zone), at_local(day + timedelta(days=1), time(0), zone),
                                         due, expires))
    return buckets


# ---- a mentor's evaluation window --------------------------------------------------------------------

def daytime_reached(config: ReminderConfig, now: datetime, zone: tzinfo) -> bool:
    """Reminders about something owed (not about a moment) go out from the day's first daytime sweep."""
    return now.astimezone(zone).time() >= config.daytime


def evaluation_step(window: OpenWindow, today: date, every_days: int) -> int | None:
    """Which reminder of the window is current today (0 on the first day); None outside it or on its last day."""
    if not window.contains(today) or today == window.closes:
        return None
    return (today - window.opens).days // every_days


def effective_window(program: OpenWindow, reopened: OpenWindow | None, today: date) -> OpenWindow | None:
    """The window a mentor is in today: the office's reopening for them, else the program's."""
    if reopened is not None and reopened.contains(today):
        return reopened
    return program if program.contains(today) else None


def evaluation_tag(kind: str, year: int, window: OpenWindow, step: int | None) -> str:
    """The occasion of an evaluation reminder: the window it belongs to and which reminder ("last" on its last day)."""
    return f"{kind}:{year}:{window.opens.isoformat()}:{'last' if step is None else step}"
