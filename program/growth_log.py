"""Rules of a growth log (成长日志): activity kinds, limits, dates, hours, who may edit it and when."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from program.errors import InvalidInput, NotAllowed
from program.i18n import N_


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


def parse_kind(value: str) -> ActivityKind:
    try:
        return ActivityKind(value)
    except ValueError:
        raise InvalidInput(N_("Please choose one of the buttons.")) from None


_HOURS = re.compile(r"^(?P<n>\d+(?:[.,，]\d+)?)(?:个)?(?:小时|h|hrs?|hours?)?$")


def parse_hours(text: str) -> float:
    """Hours spent: "2", "1.5", "2小时", "1,5 h", "半小时"."""
    raw = text.strip().lower().replace(" ", "")
    if raw in {"半", "半小时", "半个小时", "half"}:
        return 0.5
    match = _HOURS.match(raw)
    if not match:
        raise InvalidInput(N_("Please send the number of hours, for example 2 or 1.5."))
    hours = round(float(match["n"].replace(",", ".").replace("，", ".")), 1)
    if not MIN_HOURS <= hours <= MAX_HOURS:  # checked after rounding: "0.04" would be stored as 0
        raise InvalidInput(N_("Hours must be at least %(min)s and at most %(max)d."), min="0.1", max=MAX_HOURS)
    return hours


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

