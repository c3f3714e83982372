"""Counting training sessions: only confirmed ones count, and a session logged twice counts once."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from program.growth_log import ActivityKind, LogStatus, claims_session


@dataclass(frozen=True)
class LoggedActivity:
    status: LogStatus
    kind: ActivityKind
    activity_date: date
    session_id: int | None = None


def session_key(log: LoggedActivity) -> tuple:
    # A log linked to a scheduled session is that session; otherwise one activity of a kind per day.
    if log.session_id is not None:
        return ("scheduled", log.session_id)
    return ("day", log.activity_date, log.kind)


def count_sessions(logs: Iterable[LoggedActivity], *, confirmed_only: bool = True) -> int:
    keys = {
        session_key(log)
        for log in logs
        if claims_session(log.kind)
        and log.status is not LogStatus.REJECTED
        and (log.status is LogStatus.CONFIRMED or not confirmed_only)
    }
    return len(keys)


@dataclass(frozen=True)
class Progress:
    """Where a student stands in a program year, from their logged activities."""

    confirmed: int  # sessions that count
    pending: int  # further sessions waiting for a teacher
    logs: int
    this_month: int
    last_activity: date | None


def progress_of(activities: Sequence[LoggedActivity], today: date) -> Progress:
    confirmed = count_sessions(activities)
    return Progress(
        confirmed=confirmed, pending=count_sessions(activities, confirmed_only=False) - confirmed,
        logs=len(activities),
        this_month=sum(1 for a in activities
                       if (a.activity_date.year, a.activity_date.month) == (today.year, today.month)),
        last_activity=max((a.activity_date for a in activities), default=None))


def expected_by(today: date, start: date, end: date, required: int) -> int:
    """Sessions a student should have by `today` to reach `required` by `end` at an even pace."""
    if today <= start:
        return 0
    if today >= end:
        return required
    return math.floor(required * (today - start).days / (end - start).days)
