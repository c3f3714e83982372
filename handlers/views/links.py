"""Buttons that open another flow: flows, reminders and tests import these classes, never a payload string."""
from __future__ import annotations

from handlers.kit import Payload
from handlers.kit.payloads import Stamp
from program.evaluations import EvaluationKind


class NewLog(Payload, flow="log", action="new"):
    """📝 a new growth log."""


class LogFromText(Payload, flow="log", action="said"):
    """A new growth log begun with what the student just wrote (kept under SAID in the menu's draft)."""


SAID = ("menu", "said")  # where the menu keeps a message that looked like an activity


class LogSession(Payload, flow="log", action="for"):
    """A new growth log already filled in with a session the mentor scheduled."""

    session_id: int
    confirmed: str = ""  # "new": the student chose to drop an unfinished draft for this one


class LogEvent(Payload, flow="log", action="event"):
    """A new growth log already filled in with an office event the student said they would attend."""

    broadcast_id: int


class OpenMyLog(Payload, flow="mylogs", action="open"):
    log_id: int
    page: int = 0


class EditLog(Payload, flow="logedit", action="open"):
    """✏️ change a filed log (within the edit window, unless confirmed)."""

    log_id: int


class ShowDeadlines(Payload, flow="deadlines", action="show"):
    """⏰ what is due."""


class PendingConfirmations(Payload, flow="tch", action="list"):
    """✅ the teacher's list of logs to confirm."""


class MyStudents(Payload, flow="mst", action="list"):
    """👥 the mentor's students, a page of them."""

    page: int = 0


class EvaluationStudents(Payload, flow="ev", action="kind"):
    """🧾 the students to evaluate in one window, a page of them."""

    kind: EvaluationKind
    page: int = 0


class Overview(Payload, flow="office", action="overview"):
    """📊 the office's overview."""


class WillCome(Payload, flow="rsvp", action="yes"):
    """✅ the student will come to a scheduled session."""

    session_id: int
    at: Stamp = Stamp(0)  # the start shown with the button: an answer is for that time (0: a button from before)


class CannotCome(Payload, flow="rsvp", action="no"):
    """❌ the student cannot come."""

    session_id: int
    at: Stamp = Stamp(0)


class ChangeRsvp(Payload, flow="rsvp", action="change"):
    """Shows both answers again, the current one marked: a change is a choice, never a blind flip."""

    session_id: int
