"""The records: SQLAlchemy 2 typed models for people, logs, sessions, evaluations and bot plumbing.

Every model is importable from here (`from storage.models import Person`); each lives in the module of its part.
"""
from storage.models.base import NAMING, Base, UTCDateTime
from storage.models.chat import (
    ConversationState,
    MutedReminder,
    OutboxMessage,
    ProcessedUpdate,
    ProgramClock,
    ReminderPreference,
    RuntimeSecret,
)
from storage.models.evaluations import AnnualMaterial, AnnualResult, Evaluation, EvaluationChange, WindowOverride
from storage.models.office import AuditEntry, Broadcast, BroadcastRecipient
from storage.models.people import Account, ChannelUser, Invite, Person, PersonRole, School, SignedOut, Supervision
from storage.models.training import (
    GrowthLog,
    LogAttachment,
    SessionInvitee,
    TrainingPlan,
    TrainingPlanVersion,
    TrainingSession,
)

__all__ = [
    "Account",
    "AnnualMaterial",
    "AnnualResult",
    "AuditEntry",
    "Base",
    "Broadcast",
    "BroadcastRecipient",
    "ChannelUser",
    "ConversationState",
    "Evaluation",
    "EvaluationChange",
    "GrowthLog",
    "Invite",
    "LogAttachment",
    "MutedReminder",
    "NAMING",
    "OutboxMessage",
    "Person",
    "PersonRole",
    "ProcessedUpdate",
    "ProgramClock",
    "ReminderPreference",
    "RuntimeSecret",
    "School",
    "SessionInvitee",
    "SignedOut",
    "Supervision",
    "TrainingPlan",
    "TrainingPlanVersion",
    "TrainingSession",
    "UTCDateTime",
    "WindowOverride",
]
