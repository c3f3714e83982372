"""Office broadcasts and events: who they reach, and how their delivery is reported."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from program.errors import InvalidInput
from program.i18n import N_
from program.roles import parse_role


class BroadcastKind(StrEnum):
    NOTICE = "notice"
    EVENT = "event"  # a camp or a lecture (§五(三)3): a date and an RSVP


class AudienceKind(StrEnum):
    EVERYONE = "everyone"  # everyone in the program now (alumni are reached only as alumni)
    ROLE = "role"
    SCHOOL = "school"
    SUBJECT = "subject"  # students of the subject and their mentors and teachers
    ALUMNI = "alumni"


TEXT_LIMIT = 3000


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind
    value: str | None = None


def parse_audience(text: str) -> Audience:
    """`everyone`, `alumni`, `role:学生`, `school:山西大学附属中学`, `subject:物理学` (CLI and stored form)."""
    kind, _, value = text.strip().partition(":")
    try:
        which = AudienceKind(kind.strip().lower())
    except ValueError:
        raise InvalidInput(N_("Say who it is for: everyone, alumni, role:…, school:… or subject:….")) from None
    value = value.strip()
    if which in (AudienceKind.EVERYONE, AudienceKind.ALUMNI):
        return Audience(which)
    if not value:
        raise InvalidInput(N_("Say which one: for example school:山西大学附属中学."))
    if which is AudienceKind.ROLE:
        role = parse_role(value)
        if role is None:
            raise InvalidInput(N_("Unknown role “%(value)s”."), value=value)
        value = role.value
    return Audience(which, value)


def check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(N_("That is %(length)d characters; a notice can be at most %(limit)d."),
                           length=len(text), limit=TEXT_LIMIT)
    return text


class Delivery(StrEnum):
    SENT = "sent"
    QUEUED = "queued"  # joined, waiting for its turn or for quiet hours to end
    NOT_JOINED = "not_joined"  # goes out when the person joins
    BLOCKED = "blocked"
    FAILED = "failed"


DELIVERY_LABELS = {
    Delivery.SENT: N_("sent"),
    Delivery.QUEUED: N_("queued"),
    Delivery.NOT_JOINED: N_("waiting (not joined yet)"),
    Delivery.BLOCKED: N_("blocked the bot"),
    Delivery.FAILED: N_("failed"),
}


def delivery_of(joined: bool, blocked: bool, outbox_status: str | None) -> Delivery:
    """Where one recipient's copy stands, from their account and their outbox row."""
    if outbox_status == "sent":
        return Delivery.SENT
    if outbox_status == "failed":
        return Delivery.FAILED
    if not joined:
        return Delivery.NOT_JOINED
    if blocked or outbox_status == "unreachable":
        return Delivery.BLOCKED
    return Delivery.QUEUED


def dedupe_key(broadcast_id: int, person_id: int) -> str:
    """One copy per person per broadcast, however often it is confirmed or a worker restarts."""
    return f"broadcast:{broadcast_id}:{person_id}"
