"""The office's audit trail: which actions are recorded, and how they are named."""
from __future__ import annotations

from enum import StrEnum

from program.i18n import N_


class AuditAction(StrEnum):
    IMPORT = "import"
    INVITE = "invite"  # re-issued or withdrew an invite
    MOVE = "move"  # a student to another mentor or teacher
    LEAVE = "leave"  # a student left the program
    ALUMNI = "alumni"
    REOPEN = "reopen"
    BROADCAST = "broadcast"
    PLAN_DECISION = "plan_decision"
    RESULT = "result"
    EXPORT = "export"


AUDIT_LABELS = {
    AuditAction.IMPORT: N_("imported a roster"),
    AuditAction.INVITE: N_("changed an invite"),
    AuditAction.MOVE: N_("moved a student"),
    AuditAction.LEAVE: N_("marked a student as having left"),
    AuditAction.ALUMNI: N_("marked alumni"),
    AuditAction.REOPEN: N_("reopened an evaluation window"),
    AuditAction.BROADCAST: N_("sent a broadcast"),
    AuditAction.PLAN_DECISION: N_("decided on a training plan"),
    AuditAction.RESULT: N_("recorded an annual result"),
    AuditAction.EXPORT: N_("exported to Excel"),
}
