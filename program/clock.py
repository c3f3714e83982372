"""The program's notion of "now": injected everywhere so tests and the sandbox can move it."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

PROGRAM_ZONE = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Real time, always timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class SettableClock:
    """A clock that runs with real time but from a chosen starting point.

    Tests pin it with `set()`; the sandbox uses it to "jump to April 2" while time keeps flowing.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        self.frozen = frozen
        if start is not None:
            self.set(start)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("clock times must be timezone-aware")
        if self.frozen:
            self._frozen_at = moment.astimezone(timezone.utc)
        else:
            self._offset = moment - datetime.now(timezone.utc)

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)

    def now(self) -> datetime:
        if self.frozen and self._frozen_at is not None:
            return self._frozen_at
        return datetime.now(timezone.utc) + self._offset


def local_now(clock: Clock, zone: tzinfo = PROGRAM_ZONE) -> datetime:
    return clock.now().astimezone(zone)


def local_today(clock: Clock, zone: tzinfo = PROGRAM_ZONE) -> date:
    return local_now(clock, zone).date()
