"""The records: SQLAlchemy 2 typed models for people, logs, sessions, evaluations and bot plumbing."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text  # the outbox has a column called text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, UTC out; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use timezone-aware times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), date: Date()}


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("name", "school_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(40))
    grade: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(10))  # chosen by the person; else Telegram's
    exited_at: Mapped[datetime | None]  # left the program (failed mid-term); kept in the records
    exit_reason: Mapped[str | None] = mapped_column(Text)
    alumni_at: Mapped[datetime | None]  # finished the year: reads their own records, hears alumni broadcasts
    created_at: Mapped[datetime]

    school: Mapped[School] = relationship(lazy="joined")
    roles: Mapped[list[PersonRole]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class PersonRole(Base):
    __tablename__ = "person_roles"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class Supervision(Base):
    """A student's mentor(s) (co-mentors allowed) and middle-school guidance teacher."""

    __tablename__ = "supervisions"
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    relation: Mapped[str] = mapped_column(String(16), primary_key=True)  # "mentor" | "teacher"
    # Nobody supervises (confirms, evaluates) themselves, whatever roles they hold.
    __table_args__ = (Index("ix_supervisions_supervisor", "supervisor_id", "relation"),
                      CheckConstraint("student_id <> supervisor_id", name="not_self"))


class Account(Base):
    """A chat account bound to a roster person by an invite: at most one per channel (Telegram, DingTalk)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"), UniqueConstraint("person_id", "channel"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    external_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language_code: Mapped[str | None] = mapped_column(String(16))
    bound_at: Mapped[datetime]
    unreachable_at: Mapped[datetime | None]  # the user blocked the bot
    last_seen_at: Mapped[datetime | None]  # notices go to the account the person used last

    person: Mapped[Person] = relationship(lazy="joined")


class SignedOut(Base):
    """A chat account the office signed out (a lost phone): its next message is told so, not served."""

    __tablename__ = "signed_out_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[int] = mapped_column(BigInteger)
    signed_out_at: Mapped[datetime]


class ChannelUser(Base):
    """A chat identity that is not a number (DingTalk's corpId + staffId), numbered for the core."""

    __tablename__ = "channel_users"
    __table_args__ = (UniqueConstraint("channel", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Invite(Base):
    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(lazy="joined")


class ConversationState(Base):
    """Where a user is in a conversation (flow, step) and their draft; survives restarts."""

    __tablename__ = "conversation_states"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
    # Channels without buttons: the buttons of the last screens shown, newest first, to read a tap back.
    shown: Mapped[list[Any] | None] = mapped_column(JSON)


class ProcessedUpdate(Base):
    """Update ids already handled, so a redelivered update is dropped."""

    __tablename__ = "processed_updates"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)  # "telegram:<bot id>": ids are per bot
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class TrainingSession(Base):
    """A session a mentor scheduled with some of their students."""

    __tablename__ = "training_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)  # the post-session reminder counts from here
    place: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class SessionInvitee(Base):
    __tablename__ = "session_invitees"
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)
    attending: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime | None]


class GrowthLog(Base):
    __tablename__ = "growth_logs"
    __table_args__ = (Index("ix_growth_logs_student_date", "student_id", "activity_date"),
                      Index("ix_growth_logs_status", "status", "submitted_at"),
                      # for the reminder sweeps (bench/reminder_sweeps.py measures them without these):
                      Index("ix_growth_logs_session", "session_id", "student_id"),  # is this session logged?
                      Index("ix_growth_logs_counted", "student_id", "status", "activity_date", "kind", "session_id"),
                      Index("ix_growth_logs_last", "student_id", "submitted_at"))  # days since the last log
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(16))
    activity_date: Mapped[date]
    did: Mapped[str] = mapped_column(Text)
    learned: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float] = mapped_column(Float)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id"))
    status: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    platform_submitted_at: Mapped[datetime | None]  # "submitted on the national platform ✓"
    # +1 at every change: a review names the version it saw, so an edit in between is never approved unseen.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    attachments: Mapped[list[LogAttachment]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="LogAttachment.position")


class LogAttachment(Base):
    __tablename__ = "log_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("growth_logs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # photo | document
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)


class Evaluation(Base):
    """One mentor evaluation per (student, kind, program year)."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("student_id", "kind", "program_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    program_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # draft | submitted
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    platform_submitted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # +1 at every change


class EvaluationChange(Base):
    """Every change to an evaluation: who, when, what (the office reads the history)."""

    __tablename__ = "evaluation_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(16))  # answer | submit | platform
    field: Mapped[str | None] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class WindowOverride(Base):
    """The office reopened an evaluation window for one mentor."""

    __tablename__ = "window_overrides"
    __table_args__ = (UniqueConstraint("mentor_id", "window", "program_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    window: Mapped[str] = mapped_column(String(32))
    program_year: Mapped[int] = mapped_column(Integer)
    opens: Mapped[date]
    closes: Mapped[date]
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message for someone other than the person acting: stored, then delivered once.

    Notices carry their text; reminders (`kind` is a rule) are written by the sweeps with only their
    occasion, and get their text, in the recipient's language, just before they are sent.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "priority", "due_at"),
                      Index("ix_outbox_occasion", "kind", "occasion"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    text: Mapped[str] = mapped_column(Text, server_default="")
    buttons: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default=sql_text("'[]'"))
    due_at: Mapped[datetime]
    # pending | sent | missed (too late to be worth sending) | skipped (no longer owed, or muted) |
    # unreachable (blocked the bot) | failed (gave up after errors)
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # lower goes first
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_until: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(32))  # which worker run holds it
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # of a long text: never twice
    expires_at: Mapped[datetime | None]  # not worth sending after this: recorded as missed
    subject_id: Mapped[int | None] = mapped_column(Integer)  # a reminder's session, log… (its rule says which)
    occasion: Mapped[str | None] = mapped_column(String(64))  # a reminder's occasion, as in its dedupe key


class TrainingPlan(Base):
    """A mentor's 培养计划 for one student and program year; its versions are the history."""

    __tablename__ = "training_plans"
    __table_args__ = (UniqueConstraint("student_id", "program_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    program_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # of the latest version: draft|submitted|approved|returned
    latest: Mapped[int] = mapped_column(Integer)  # number of the latest version
    approved: Mapped[int | None] = mapped_column(Integer)  # number of the version the student sees
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TrainingPlanVersion(Base):
    """One version of a plan as the mentor wrote it, and what the office decided about it."""

    __tablename__ = "training_plan_versions"
    plan_id: Mapped[int] = mapped_column(ForeignKey("training_plans.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(16))
    goals: Mapped[str] = mapped_column(Text, default="")
    reading: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(Text, default="")
    sessions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"3": 2}: two sessions planned in March
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)  # why the office returned it


class AnnualMaterial(Base):
    """A file a student handed in for the annual evaluation (课题报告, 培养报告)."""

    __tablename__ = "annual_materials"
    __table_args__ = (Index("ix_annual_materials_student", "student_id", "program_year", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    program_year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # research_report | training_report
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]  # the student took it back before the due date


class AnnualResult(Base):
    """The office's annual assessment of a student (§六(三)): four dimensions, outcome, exchange candidacy."""

    __tablename__ = "annual_results"
    __table_args__ = (UniqueConstraint("student_id", "program_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    program_year: Mapped[int] = mapped_column(Integer)
    science_interest: Mapped[str] = mapped_column(String(16))
    innovation_potential: Mapped[str] = mapped_column(String(16))
    overall_ability: Mapped[str] = mapped_column(String(16))
    english_communication: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))  # excellent | qualified | unqualified
    international_candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


class Broadcast(Base):
    """A notice or an event the office sends to everyone, a role, a school, a subject or the alumni."""

    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(16))  # notice | event
    audience: Mapped[str] = mapped_column(String(16))  # everyone | role | school | subject | alumni
    audience_value: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    event_at: Mapped[datetime | None]
    event_place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # draft | sent
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    followed_up_at: Mapped[datetime | None]  # attendees were asked to log the event


class BroadcastRecipient(Base):
    """Who a broadcast was for (fixed when it was sent) and, for an event, their answer."""

    __tablename__ = "broadcast_recipients"
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)
    rsvp: Mapped[str | None] = mapped_column(String(8))  # yes | no
    rsvp_at: Mapped[datetime | None]


class AuditEntry(Base):
    """An office action (import, move, reopen, broadcast, plan decision, result, export): who and when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor: Mapped[str] = mapped_column(String(100))  # the office member's name, or the command line's user
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ReminderPreference(Base):
    """A person's quiet hours (the program's default applies without a row)."""

    __tablename__ = "reminder_preferences"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    quiet_start: Mapped[time] = mapped_column(Time)
    quiet_end: Mapped[time] = mapped_column(Time)
    updated_at: Mapped[datetime]


class MutedReminder(Base):
    """A category of reminders a person muted in /settings."""

    __tablename__ = "muted_reminders"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)


class ProgramClock(Base):
    """Where a rehearsal clock (YINGCAI_CLOCK, the sandbox) is anchored, shared by every process of a deployment."""

    __tablename__ = "program_clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))  # what set it: the YINGCAI_CLOCK value, or "sandbox"
    offset_seconds: Mapped[float] = mapped_column(Float)  # program time minus real time
    updated_at: Mapped[datetime]


class RuntimeSecret(Base):
    """A secret every process of one deployment shares, made once (the webhook's secret token)."""

    __tablename__ = "runtime_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]
