"""What students do: training sessions and who is invited, growth logs, training plans."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


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
