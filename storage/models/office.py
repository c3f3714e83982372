"""What the program office does: broadcasts and who received them, the audit of its actions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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
