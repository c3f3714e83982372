"""Rules of a growth log (成长日志): activity kinds, limits, dates, hours, who may edit it and when."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from program.errors import InvalidInput, NotAllowed
from program.i18n import N_
from program.numerals import CHINESE_NUMBER, number


class ActivityKind(StrEnum):
    MENTOR_MEETING = "meeting"
    LECTURE = "lecture"
    READING = "reading"
    RESEARCH = "research"
    SEMINAR = "seminar"
    CAMP = "camp"
    OTHER = "other"


ACTIVITY_LABELS = {
    ActivityKind.MENTOR_MEETING: N_("Meeting with mentor"),
    ActivityKind.LECTURE: N_("Academic lecture"),
    ActivityKind.READING: N_("Reading"),
    ActivityKind.RESEARCH: N_("Lab / research"),
    ActivityKind.SEMINAR: N_("Seminar"),
    ActivityKind.CAMP: N_("Camp / field practice"),
    ActivityKind.OTHER: N_("Other"),
}

# Everything but "other" is a training activity (the plan counts readings, lectures, lab work,
# seminars and camps as training); a teacher confirms it and, once confirmed, it counts toward 10.
SESSION_KINDS = frozenset(ActivityKind) - {ActivityKind.OTHER}


class LogStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the teacher (or a diary entry that needs no confirmation)
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


# Per text part (what I did / what I learned / next steps). Documented in README; never cut silently.
TEXT_LIMIT = 2000
MIN_HOURS = 0.1  # hours are kept to one decimal
MAX_HOURS = 24
MAX_ATTACHMENTS = 10
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot can download


def claims_session(kind: ActivityKind) -> bool:
    return kind in SESSION_KINDS


_KIND_WORDS = (  # words that say which activity a student is telling about, checked in this order
    (ActivityKind.LECTURE, ("讲座", "报告", "lecture", "talk")),
    (ActivityKind.SEMINAR, ("研讨", "讨论班", "seminar")),
    (ActivityKind.RESEARCH, ("实验", "lab", "experiment")),
    (ActivityKind.CAMP, ("营", "实践", "camp")),
    (ActivityKind.READING, ("阅读", "读了", "读书", "read")),
    (ActivityKind.MENTOR_MEETING, ("导师", "见面", "mentor", "meeting")),
)
_ACTIVITY_HINTS = ("记录", "日志", "参加", "听了", "去了", "做了", "今天", "昨天", "attended", "today", "yesterday")
MIN_ACTIVITY_TEXT = 8  # a button's label typed ("导师见面") is not a story about an activity


def _says(text: str, word: str) -> bool:
    return bool(re.search(rf"\b{word}", text)) if word.isascii() else word in text


def looks_like_activity(text: str) -> ActivityKind | None:
    """A free message that tells about an activity ("我今天去听了一个讲座，要怎么记录？"), and its likely kind.

    OTHER when it sounds like an activity of no known kind; None when it does not sound like one.
    """
    lowered = text.lower()
    if len(lowered.strip()) < MIN_ACTIVITY_TEXT:
        return None
    for kind, words in _KIND_WORDS:
        if any(_says(lowered, word) for word in words):
            return kind
    return ActivityKind.OTHER if any(_says(lowered, hint) for hint in _ACTIVITY_HINTS) else None


def parse_kind(value: str) -> ActivityKind:
    try:
        return ActivityKind(value)
    except ValueError:
        raise InvalidInput(N_("Please choose one of the buttons.")) from None


_HOURS = re.compile(r"^(?P<n>\d+(?:[.,，]\d+)?)(?:个)?(?:小时|钟头|h|hrs?|hours?)?$")
_SPOKEN_HOURS = re.compile(rf"^(?P<n>\d{{1,2}}|{CHINESE_NUMBER})?个?(?P<half>半)?个?(?:小时|钟头)?(?P<half2>半)?$")
_MINUTES = re.compile(rf"^(?P<n>\d{{1,4}}|{CHINESE_NUMBER})(?:分钟|分|min|mins|minutes?)$")


def parse_hours(text: str) -> float:
    """Hours spent: "2", "1.5", "2小时", "1,5 h", "半小时", "两个半小时", "三个小时", "90分钟"."""
    raw = text.strip().lower().replace(" ", "")
    if raw == "half":
        raw = "半"
    match = _HOURS.match(raw)
    if match:
        hours = float(match["n"].replace(",", ".").replace("，", "."))
    else:
        hours = _spoken_hours(raw)
    hours = round(hours, 1)
    if not MIN_HOURS <= hours <= MAX_HOURS:  # checked after rounding: "0.04" would be stored as 0
        raise InvalidInput(N_("Hours must be at least %(min)s and at most %(max)d."), min="0.1", max=MAX_HOURS)
    return hours


def _spoken_hours(raw: str) -> float:
    """Hours as said in Chinese: 两个半小时, 一个小时, 半小时, 十个钟头; or minutes: 90分钟."""
    minutes = _MINUTES.match(raw)
    if minutes and number(minutes["n"]) is not None:
        return number(minutes["n"]) / 60  # type: ignore[operator]
    match = _SPOKEN_HOURS.match(raw)
    if match and (match["n"] or match["half"] or match["half2"]) and not (match["half"] and match["half2"]):
        whole = number(match["n"]) if match["n"] else 0
        if whole is not None and (match["n"] or raw.endswith(("小时", "钟头")) or raw == "半"):
            return whole + (0.5 if match["half"] or match["half2"] else 0)
    raise InvalidInput(N_("Please send the number of hours, for example 2 or 1.5."))


def check_text_part(existing: str, addition: str) -> str:
    """Appends a message to a text part, refusing (not cutting) what would pass the limit."""
    addition = addition.strip()
    if not addition:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    combined = f"{existing}\n{addition}" if existing else addition
    if len(combined) > TEXT_LIMIT:
        raise InvalidInput(
            N_("That would make this part %(length)d characters long; the limit is %(limit)d. "
               "Nothing was cut and nothing was added: please send a shorter text."),
            length=len(combined), limit=TEXT_LIMIT,
        )
    return combined


REASON_MIN = 6  # "不行" tells a student nothing; a sentence naming what to fix does
REASON_LIMIT = 500
REVIEW_UNDO = timedelta(minutes=5)  # a teacher may take back a confirmation or a send-back this long after


def check_reason(text: str) -> str:
    """Why a log is sent back: enough words for the student to know what to fix, never cut."""
    reason = " ".join(text.split())
    if len(reason) < REASON_MIN:
        raise InvalidInput(N_("Please say what the student should change (at least %(min)d characters), "
                              "for example which part is missing."), min=REASON_MIN)
    if len(reason) > REASON_LIMIT:
        raise InvalidInput(N_("Please keep the reason under %(limit)d characters (yours has %(length)d)."),
                           limit=REASON_LIMIT, length=len(reason))
    return reason


@dataclass(frozen=True)
class EditCheck:
    status: LogStatus
    submitted_at: datetime
    reviewed_at: datetime | None


def ensure_editable(log: EditCheck, now: datetime, edit_days: int) -> None:
    """A student edits a log for `edit_days` after filing it (after a rejection, after the rejection)."""
    if log.status is LogStatus.CONFIRMED:
        raise NotAllowed(N_("This log was confirmed by your teacher and can no longer be changed."))
    since = log.reviewed_at if log.status is LogStatus.REJECTED and log.reviewed_at else log.submitted_at
    if now - since > timedelta(days=edit_days):
        raise NotAllowed(N_("Logs can be changed for %(days)d days after filing; this one is older."), days=edit_days)


def is_editable(log: EditCheck, now: datetime, edit_days: int) -> bool:
    try:
        ensure_editable(log, now, edit_days)
    except NotAllowed:
        return False
    return True

