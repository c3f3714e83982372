"""培养计划 (§八(九)): what a mentor's training plan holds, and how it moves between mentor and office."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from program.errors import InvalidInput, NotAllowed
from program.i18n import N_


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


PLAN_STATUS_LABELS = {
    PlanStatus.DRAFT: N_("draft"),
    PlanStatus.SUBMITTED: N_("waiting for the office"),
    PlanStatus.APPROVED: N_("approved"),
    PlanStatus.RETURNED: N_("returned for revision"),
}
GOALS_LIMIT = 1000
READING_LIMIT = 1000
TOPIC_LIMIT = 200
REASON_LIMIT = 500
MAX_PER_MONTH = 20


@dataclass(frozen=True)
class PlanContent:
    goals: str
    reading: str
    topic: str
    sessions: dict[int, int]  # month (1–12) → sessions planned

    @property
    def planned(self) -> int:
        return sum(self.sessions.values())


def check_text(value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(value) > limit:
        raise InvalidInput(N_("That is %(length)d characters; this answer can be at most %(limit)d. "
                              "Nothing was saved from it: please shorten it and send it again."),
                           length=len(value), limit=limit)
    return value


_MONTH_ITEM = re.compile(r"^(?P<month>\d{1,2})\s*(?:月|m|月份)?\s*[:：=xX×\s]\s*(?P<count>\d{1,2})\s*(?:次)?$")


def parse_sessions(text: str) -> dict[int, int]:
    """Planned sessions by month, as a mentor types them: "3月 2次，4月 1次" or "3:2, 4:1"."""
    found: dict[int, int] = {}
    for item in re.split(r"[,，;；、\n]+", text.strip()):
        item = item.strip()
        if not item:
            continue
        match = _MONTH_ITEM.match(item)
        if not match:
            raise InvalidInput(N_("Please write the sessions by month like “3月 2次，4月 1次”."))
        month, count = int(match["month"]), int(match["count"])
        if not 1 <= month <= 12 or count > MAX_PER_MONTH:
            raise InvalidInput(N_("Months go from 1 to 12 and a month holds at most %(max)d sessions."),
                               max=MAX_PER_MONTH)
        found[month] = found.get(month, 0) + count
    if not found:
        raise InvalidInput(N_("Please write the sessions by month like “3月 2次，4月 1次”."))
    return {m: c for m, c in sorted(found.items()) if c}


def ensure_complete(content: PlanContent, required: int) -> None:
    """A plan goes to the office only with every part written and at least the required sessions planned."""
    if not (content.goals and content.reading and content.topic and content.sessions):
        raise InvalidInput(N_("Goals, reading, topic and the sessions by month must all be filled in first."))
    if content.planned < required:
        raise InvalidInput(N_("The plan has %(planned)d sessions; the program asks for at least %(required)d."),
                           planned=content.planned, required=required)


def ensure_editable(status: PlanStatus) -> None:
    if status is PlanStatus.SUBMITTED:
        raise NotAllowed(N_("This plan is waiting for the office; it can be changed after their decision."))


def ensure_decidable(status: PlanStatus) -> None:
    """The office decides only on a plan that waits for it (a second tap finds it decided)."""
    if status is not PlanStatus.SUBMITTED:
        raise NotAllowed(N_("This plan is not waiting for a decision (it is %(status)s)."),
                         status=PLAN_STATUS_LABELS[status])


def own_plan(author_id: int, student_id: int, person_id: int) -> bool:
    """Whether this plan is the person's own work (they wrote it, or it is about them)."""
    return person_id in (author_id, student_id)


def ensure_not_own_plan(author_id: int, student_id: int, decider_id: int) -> None:
    """Nobody approves their own work, whatever roles they hold: another person in the office decides."""
    if own_plan(author_id, student_id, decider_id):
        raise NotAllowed(N_("You wrote this plan (or it is about you), so another person in the office decides on "
                            "it."))


def check_reason(text: str) -> str:
    return check_text(text, REASON_LIMIT)
