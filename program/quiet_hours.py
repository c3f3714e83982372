"""Quiet hours: nothing is pushed to a user at night; it waits for the morning."""
from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from program.clock import PROGRAM_ZONE

DEFAULT_QUIET = (time(22, 0), time(7, 30))


def next_send_time(moment: datetime, zone: tzinfo = PROGRAM_ZONE,
                   quiet: tuple[time, time] = DEFAULT_QUIET) -> datetime:
    """`moment` itself when outside quiet hours, else the end of the quiet period (in UTC terms kept aware)."""
    start, end = quiet
    local = moment.astimezone(zone)
    now_t = local.timetz().replace(tzinfo=None)
    crosses_midnight = start > end
    in_quiet = (now_t >= start or now_t < end) if crosses_midnight else (start <= now_t < end)
    if not in_quiet:
        return moment
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(moment.tzinfo)
