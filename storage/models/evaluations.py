"""How students are assessed: mentors' evaluations and their history, reopened windows, annual results."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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
