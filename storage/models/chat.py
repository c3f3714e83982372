"""The bot's own records: conversation state, handled updates, the outbox, reminder settings, clock, secrets."""
from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy import text as sql_text  # the outbox has a column called text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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
