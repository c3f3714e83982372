"""Dates and times people type: "昨天", "11月20日", "2026-11-20", "明天 15:00"…"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from program.errors import InvalidInput
from program.i18n import N_

MAX_DAYS_AWAY = 366  # a log is about the last year; a session is planned within the next


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_WORD_DATES = {"today": 0, "今天": 0, "yesterday": 1, "昨天": 1, "前天": 2}


def parse_activity_date(text: str, today: date) -> date:
    """A date typed by a student: 2026-11-20, 2026/11/20, 11-20, 11月20日, 20.11.2026, 昨天…

    Month-day without a year means the most recent such day not in the future.
    """
    raw = text.strip().lower().replace(" ", "")
    if raw in _WORD_DATES:
        return today - timedelta(days=_WORD_DATES[raw])
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["y"]) if parts.get("y") else today.year
        try:
            day = date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            raise InvalidInput(N_("There is no such date. Please type it like 2026-11-20 or 11月20日.")) from None
        if not parts.get("y") and day > today:
            day = _same_day_in(day, year - 1)
        return check_activity_date(day, today)
    raise InvalidInput(N_("I could not read that date. Please type it like 2026-11-20 or 11月20日."))


def _same_day_in(day: date, year: int) -> date:
    """The same month and day in another year; 29 February exists only in leap years."""
    try:
        return day.replace(year=year)
    except ValueError:
        raise InvalidInput(N_("There is no such date. Please type it like 2026-11-20 or 11月20日.")) from None


def check_activity_date(day: date, today: date) -> date:
    if day > today:
        raise InvalidInput(N_("That date is in the future. A growth log is about something that already happened."))
    if (today - day).days > MAX_DAYS_AWAY:
        raise InvalidInput(N_("That date is more than a year ago. Please check it."))
    return day




_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:：点](?P<m>\d{1,2})?分?|(?P<half>点半))?$")


_RANGE = re.compile(r"^(?P<head>.*?\d{1,2}(?:[:：]\d{2}|点(?:\d{1,2}分?|半)?))\s*(?:-|–|—|~|～|至|到)\s*"
                    r"(?P<end>\d{1,2}(?:[:：]\d{2}|点(?:\d{1,2}分?|半)?)?)$")


def parse_session_time(text: str, now_local: datetime) -> tuple[datetime, datetime | None]:
    """A session's start and, when given, its end: "12月5日 15:00-17:00", "明天 9:30"; in the future."""
    match = _RANGE.match(text.strip())
    head, tail = (match["head"], [match["end"]]) if match else (text, [])
    start = parse_session_start(head, now_local)
    if not tail:
        return start, None
    match = _TIME.match(tail[0].replace("：", ":"))
    if not match:
        raise InvalidInput(N_("Please type the end like 15:00-17:00, or leave it out."))
    hour, minute = int(match["h"]), 30 if match["half"] else int(match["m"] or 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(N_("There is no such time. Please type it like 15:00."))
    end = start.replace(hour=hour, minute=minute)
    if end <= start:
        raise InvalidInput(N_("The session has to end after it starts."))
    return start, end


def parse_session_start(text: str, now_local: datetime) -> datetime:
    """When a mentor's session starts: "12月5日 15:00", "2026-12-05 15:00", "明天 9:30"; in the future."""
    parts = text.strip().replace("，", " ").replace(",", " ").split()
    if len(parts) == 1:
        match = re.match(r"^(.*?日|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/]\d{1,2}|今天|明天|后天)(.+)$", parts[0])
        parts = [match[1], match[2]] if match else parts
    if len(parts) != 2:
        raise InvalidInput(N_("Please type a date and a time, for example 12月5日 15:00 or 2026-12-05 15:00."))
    day_text, time_text = parts
    today = now_local.date()
    relative = {"今天": 0, "today": 0, "明天": 1, "tomorrow": 1, "后天": 2}
    if day_text.lower() in relative:
        day = today + timedelta(days=relative[day_text.lower()])
    else:
        day = _future_day(day_text, today)
    match = _TIME.match(time_text)
    if not match:
        raise InvalidInput(N_("Please type a date and a time, for example 12月5日 15:00 or 2026-12-05 15:00."))
    hour, minute = int(match["h"]), 30 if match["half"] else int(match["m"] or 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(N_("There is no such time. Please type it like 15:00."))
    moment = datetime.combine(day, time(hour, minute), tzinfo=now_local.tzinfo)
    if moment <= now_local:
        raise InvalidInput(N_("That time has already passed. Please choose a time in the future."))
    if moment - now_local > timedelta(days=MAX_DAYS_AWAY):
        raise InvalidInput(N_("That is more than a year ahead. Please check the date."))
    return moment


def _future_day(text: str, today: date) -> date:
    raw = text.strip().lower()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["y"]) if parts.get("y") else today.year
        try:
            day = date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            raise InvalidInput(N_("There is no such date. Please type it like 2026-11-20 or 11月20日.")) from None
        if not parts.get("y") and day < today:
            day = _same_day_in(day, year + 1)
        return day
    raise InvalidInput(N_("Please type a date and a time, for example 12月5日 15:00 or 2026-12-05 15:00."))
