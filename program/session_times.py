"""When a session starts (and ends), as mentors type it: "下周三下午3点", "12月5日 15:00-17:00", "Dec 5 3pm"."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from program.dates import DATE_PATTERNS, MAX_DAYS_AWAY, MONTHS, WEEKDAYS, numeric_date, same_day_in
from program.errors import InvalidInput
from program.i18n import N_
from program.numerals import CHINESE_NUMBER, number

UNREADABLE = N_("Please type a date and a time, for example Dec 5 3pm, next Wednesday 3pm or 2026-12-05 15:00.")
NO_SUCH_TIME = N_("There is no such time. Please type it like 15:00.")
NEEDS_TIME = N_("Please add the time too, for example 15:00 or 3pm.")

_RELATIVE = {"今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2, "大后天": 3,
             "今晚": 0, "明晚": 1, "今早": 0, "明早": 1}
_DAY = re.compile(r"^(?:(?P<rel>" + "|".join(sorted(_RELATIVE, key=len, reverse=True)) + r")"
                  r"|(?P<week>下下|下|这|本)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7]))")
_PERIODS = {"凌晨": "am", "早上": "am", "早晨": "am", "上午": "am", "今早": "am", "明早": "am", "中午": "noon",
            "下午": "pm", "傍晚": "pm", "晚上": "pm", "晚": "pm", "今晚": "pm", "明晚": "pm"}
_MINUTES = rf"(?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<mm>\d{{1,2}}|{CHINESE_NUMBER})分?)"
_TIME = re.compile(rf"^(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚)?(?P<h>\d{{1,2}}|{CHINESE_NUMBER})"
                   rf"(?:[:：.](?P<m>\d{{2}})|[点时]{_MINUTES}?)?(?P<ampm>am|pm|a\.m\.|p\.m\.)?$")
# The end is whatever follows the last separator; it counts as an end only if it reads as a time.
_RANGE = re.compile(r"^(?P<head>.+?)\s*(?:-|–|—|~|～|至|到|\sto\s)\s*(?P<end>[^-–—~～至到]+)$", re.IGNORECASE)
_ENGLISH_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_ENGLISH_DAY = re.compile(r"^(?:(?P<rel>today|tomorrow)|(?:(?P<week>next|this)\s+)?"
                          r"(?P<wd>(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\.?)\b")
_CLOCK_IN_ENGLISH = re.compile(r"\d\s*(?:am|pm|a\.m\.|p\.m\.)|\d:\d\d|\bnoon\b", re.IGNORECASE)


def parse_session_time(text: str, now_local: datetime) -> tuple[datetime, datetime | None]:
    """A session's start and, when given, its end: "12月5日 15:00-17:00", "下午3点到5点", "Dec 5 3-5pm"."""
    raw = " ".join(text.strip().replace("，", " ").replace(",", " ").split())
    match = _RANGE.match(raw)
    if match and _read_time(match["end"].replace(" ", "").lower()) is not None:
        try:
            start, afternoon = _start(match["head"], now_local)
        except InvalidInput:
            start, afternoon = None, False
        if start is not None:
            hour, minute, period = _read_time(match["end"].replace(" ", "").lower())  # type: ignore[misc]
            hour = _shift(hour, period or ("pm" if afternoon else None))
            if hour > 23 or minute > 59:
                raise InvalidInput(NO_SUCH_TIME)
            end = start.replace(hour=hour, minute=minute)
            if end <= start:
                raise InvalidInput(N_("The session has to end after it starts."))
            return start, end
    return parse_session_start(raw, now_local), None


def parse_session_start(text: str, now_local: datetime) -> datetime:
    """When a mentor's session starts, in the future: "12月5日 15:00", "下周三下午3点", "next Wednesday 3pm"."""
    return _start(" ".join(text.strip().replace("，", " ").replace(",", " ").split()), now_local)[0]


def _start(text: str, now_local: datetime) -> tuple[datetime, bool]:
    """The moment, and whether its hour was afternoon or evening (an end time without 下午 follows it)."""
    raw = text.lower()
    moment = _chinese_or_numeric(raw, now_local)
    if moment is None and re.search(r"[a-z]", raw):
        moment = _english(raw, now_local)
    if moment is None:
        raise InvalidInput(UNREADABLE)
    if moment <= now_local:
        raise InvalidInput(N_("That time has already passed. Please choose a time in the future."))
    if moment - now_local > timedelta(days=MAX_DAYS_AWAY):
        raise InvalidInput(N_("That is more than a year ahead. Please check the date."))
    return moment, moment.hour >= 12


def _chinese_or_numeric(raw: str, now_local: datetime) -> datetime | None:
    today = now_local.date()
    day, rest, period = _day(raw, today)
    if day is None:
        return None
    if not rest:
        raise InvalidInput(NEEDS_TIME)
    found = _read_time(rest)
    if found is None:
        return None
    hour, minute, said = found
    hour = _shift(hour, said or period)
    if hour > 23 or minute > 59:
        raise InvalidInput(NO_SUCH_TIME)
    return datetime.combine(day, time(hour, minute), tzinfo=now_local.tzinfo)


def _day(raw: str, today: date) -> tuple[date | None, str, str | None]:
    """The day at the start of the text, the time after it, and the part of day a word like 今晚 implies."""
    compact = raw.replace(" ", "")
    match = _DAY.match(compact) or _ENGLISH_DAY.match(raw)
    if match and match["rel"]:
        rest = (compact if match.re is _DAY else raw)[match.end():]
        return today + timedelta(days=_RELATIVE[match["rel"]]), _clock_part(rest), _PERIODS.get(match["rel"])
    if match:
        target = WEEKDAYS[match["wd"]] if match.re is _DAY else _ENGLISH_WEEKDAYS[match["wd"][:3]]
        week = {"next": "下", "this": "这"}.get(match["week"] or "", match["week"])
        monday = today - timedelta(days=today.weekday())
        if week in ("下", "下下"):
            day = monday + timedelta(weeks=len(week), days=target)
        elif week:
            day = monday + timedelta(days=target)
        else:  # plain 周三: the coming one (today, if the time is still ahead)
            day = today + timedelta(days=(target - today.weekday()) % 7)
        return day, _clock_part((compact if match.re is _DAY else raw)[match.end():]), None
    for pattern in DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            day = numeric_date(match, today.year)
            if not match.groupdict().get("y") and day < today:
                day = same_day_in(day, today.year + 1)
            return day, _clock_part(raw[match.end():]), None
    if _read_time(compact) is not None:
        return today, compact, None  # only a time: today
    return None, compact, None


def _clock_part(rest: str) -> str:
    return re.sub(r"^(?:at|@)\s*(?=\d)", "", rest.strip()).replace(" ", "")


def _read_time(text: str) -> tuple[int, int, str | None] | None:
    match = _TIME.match(text)
    if not match:
        return None
    hour = number(match["h"])
    if hour is None:
        return None
    minute: int | None
    if match["m"]:
        minute = int(match["m"])
    elif match["half"]:
        minute = 30
    elif match["quarter"]:
        minute = 15 if match["quarter"] == "一刻" else 45
    else:
        minute = number(match["mm"]) if match["mm"] else 0
    if minute is None:
        return None
    period = _PERIODS.get(match["period"] or "") or (match["ampm"] or "").replace(".", "") or None
    return hour, minute, period


def _shift(hour: int, period: str | None) -> int:
    """下午3点 and 3pm are 15:00; 中午1点 is 13:00; 12am is midnight."""
    if period == "pm" and hour < 12:
        return hour + 12
    if period == "noon" and hour < 6:
        return hour + 12
    if period == "am" and hour == 12:
        return 0
    return hour


def _english(raw: str, now_local: datetime) -> datetime | None:
    """"Dec 5 3pm", "5 December 15:00": dateparser reads a month's name, in the program's zone."""
    if not MONTHS.search(raw):
        return None
    if not _CLOCK_IN_ENGLISH.search(raw):
        raise InvalidInput(NEEDS_TIME)
    import dateparser  # noqa: PLC0415 - loads its language data on first use only

    found = dateparser.parse(raw, languages=["en"],
                             settings={"RELATIVE_BASE": now_local.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
                                       "RETURN_AS_TIMEZONE_AWARE": False})
    if found is None:
        return None
    return found.replace(second=0, microsecond=0, tzinfo=now_local.tzinfo)
