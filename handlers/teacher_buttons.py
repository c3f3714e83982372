"""What the guidance teacher's buttons carry (flow "tch"); handlers/teacher.py answers them."""
from __future__ import annotations

from handlers.kit import Payload
from handlers.kit.payloads import Stamp


class ConfirmLog(Payload, flow="tch", action="ok"):
    log_id: int
    version: int  # the log's version as shown: a log changed since, by a millisecond, is not confirmed from it


class ConfirmAll(Payload, flow="tch", action="all"):
    seen: Stamp
    ids: str  # "12.13.14": the logs on the page the teacher saw


class SendBack(Payload, flow="tch", action="no"):
    log_id: int


class SeeLog(Payload, flow="tch", action="see"):
    log_id: int


class KeepPending(Payload, flow="tch", action="keep"):
    pass


class ConfirmAllSure(Payload, flow="tch", action="allsure"):
    seen: Stamp
    ids: str


class KeepList(Payload, flow="tch", action="notnow"):
    pass


class UndoReview(Payload, flow="tch", action="undo"):
    reviews: str  # "12-3.13-3": each log's id and its version right after the review
