"""Who is in the program: schools, people and their roles, supervision, chat accounts (signed out too), invites."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


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
    reachable_at: Mapped[datetime | None]  # the user unblocked it or wrote again: older refusals are stale
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
