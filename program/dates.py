"""Dates people type for a growth log: "昨天", "11月20日", "上周三", "Nov 25", "2026-11-20"…"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from program.errors import InvalidInput
from program.i18n import N_

MAX_DAYS_AWAY = 366  # a log is about the last year; a session is planned within the next

NO_SUCH_DATE = N_("There is no such date. Please type it like Nov 20 or 2026-11-20.")
UNREADABLE_DATE = N_("I could not read that date. Please type it like Nov 20 or 2026-11-20.")

DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?"),
    re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)
_WORD_DATES = {"today": 0, "今天": 0, "今日": 0, "yesterday": 1, "昨天": 1, "昨日": 1, "前天": 2, "大前天": 3,
               "thedaybeforeyesterday": 2}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
            **{str(n): n - 1 for n in range(1, 8)}}
_PAST_WEEKDAY = re.compile(r"^(?P<last>上上|上)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])$")
MONTHS = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?", re.IGNORECASE)


def parse_activity_date(text: str, today: date, training: tuple[date, date] | None = None) -> date:
    """A date typed by a student: 2026-11-20, 11月20日, 20.11.2026, 昨天, 上周三, Nov 25, 25 November…

    A date without a year is in this year: a month-day still ahead is refused as still ahead, never moved
    to last year; a date outside the training year is refused.
    """
    raw = text.strip().lower()
    compact = raw.replace(" ", "")
    if compact in _WORD_DATES:
        return check_activity_date(today - timedelta(days=_WORD_DATES[compact]), today, training)
    weekday = _PAST_WEEKDAY.match(compact)
    if weekday:
        monday = today - timedelta(days=today.weekday())
        if weekday["last"]:
            day = monday - timedelta(weeks=len(weekday["last"])) + timedelta(days=WEEKDAYS[weekday["wd"]])
        else:
            day = today - timedelta(days=(today.weekday() - WEEKDAYS[weekday["wd"]]) % 7)
        return check_activity_date(day, today, training)
    for pattern in DATE_PATTERNS:
        match = pattern.match(compact)
        if match and match.end() == len(compact):
            return check_activity_date(numeric_date(match, today.year), today, training)
    if MONTHS.search(raw):
        return check_activity_date(english_date(raw, today), today, training)
    raise InvalidInput(UNREADABLE_DATE)


def numeric_date(match: re.Match[str], year: int) -> date:
    """The day of a DATE_PATTERNS match; without a year of its own it is in `year`."""
    parts = match.groupdict()
    try:
        return date(int(parts["y"]) if parts.get("y") else year, int(parts["m"]), int(parts["d"]))
    except ValueError:
        raise InvalidInput(NO_SUCH_DATE) from None


def english_date(raw: str, today: date) -> date:
    """ "Nov 25", "25 November", "November 25, 2026": read by dateparser; no year means this year."""
    import dateparser  # noqa: PLC0415 - loads its language data on first use only

    found = dateparser.parse(raw, languages=["en"],
                             settings={"RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
                                       "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month"]})
    if found is None:
        raise InvalidInput(UNREADABLE_DATE)
    if not re.search(r"\d{4}", raw):
        try:
            return found.date().replace(year=today.year)
        except ValueError:  # 29 February
            raise InvalidInput(NO_SUCH_DATE) from None
    return found.date()


def check_activity_date(day: date, today: date, training: tuple[date, date] | None = None) -> date:
    """An activity already happened, and counts only within the training year it is logged in."""
    if day > today:
        raise InvalidInput(N_("%(day)s is still ahead. A growth log is about something that already happened."),
                           day=day)
    if training is not None and not training[0] <= day <= training[1]:
        raise InvalidInput(N_("%(day)s is outside this training year (%(start)s – %(end)s). Only this year's "
                              "activities can be logged."), day=day, start=training[0], end=training[1])
    if (today - day).days > MAX_DAYS_AWAY:
        raise InvalidInput(N_("That date is more than a year ago. Please check it."))
    return day


def same_day_in(day: date, year: int) -> date:
    """The same month and day in another year; 29 February exists only in leap years."""
    try:
        return day.replace(year=year)
    except ValueError:
        raise InvalidInput(NO_SUCH_DATE) from None

