"""The outbox: messages for people other than the one acting, stored first and delivered once."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import ColumnElement, Update, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, OutboxMessage
from storage.plumbing import rows_written, upsert


async def enqueue(session: AsyncSession, *, person_id: int, kind: str, dedupe_key: str, text: str,
                  buttons: list[Any], due_at: datetime, now: datetime, priority: int = 0) -> bool:
    """Adds a message unless one with the same dedupe key exists; True when added."""
    statement = upsert(session, OutboxMessage).values(
        person_id=person_id, kind=kind, dedupe_key=dedupe_key[:160], text=text, buttons=buttons,
        due_at=due_at, status="pending", attempts=0, created_at=now, priority=priority,
    ).on_conflict_do_nothing()
    return await rows_written(session, statement) == 1


async def queued(session: AsyncSession, dedupe_key: str) -> OutboxMessage | None:
    """The message stored under this key, whatever became of it."""
    result = await session.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key[:160]))
    return result.scalar_one_or_none()


async def withdraw(session: AsyncSession, dedupe_key: str, now: datetime) -> bool:
    """Drops a message not sent yet (recorded as skipped); False when it went out or is going out now."""
    withdrawn = await rows_written(session, update(OutboxMessage)
        .where(OutboxMessage.dedupe_key == dedupe_key[:160], OutboxMessage.status == "pending",
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(status="skipped", last_error="withdrawn")
        .execution_options(synchronize_session=False))
    return withdrawn == 1


@dataclass(frozen=True)
class Delivery:
    id: int
    person_id: int
    chat_id: int
    text: str
    buttons: list[Any]
    attempts: int
    claim: str
    channel: str = "telegram"
    kind: str = "notice"
    due_at: datetime | None = None
    expires_at: datetime | None = None
    subject_id: int | None = None  # a reminder's session, log…
    occasion: str | None = None  # a reminder's occasion
    parts_sent: int = 0  # of a long text, sent on earlier tries
    claimed_at: datetime | None = None  # when this try was claimed: its send started after that


async def claim_due(session: AsyncSession, now: datetime, limit: int, lease: timedelta) -> list[Delivery]:
    """Takes due rows for one worker run; a lease keeps other workers off them until it expires.

    Rows for people who have not joined yet, or who blocked the bot, are left alone: they go out
    when the person joins or writes to the bot again. Someone on two channels (Telegram and DingTalk)
    gets each message once, on the account they used last.
    """
    last_used = (select(Account.id).where(Account.person_id == OutboxMessage.person_id)
                 .order_by(func.coalesce(Account.last_seen_at, Account.bound_at).desc(), Account.id.desc())
                 .limit(1).correlate(OutboxMessage).scalar_subquery())
    query = (
        select(OutboxMessage, Account.chat_id, Account.channel)
        .join(Account, Account.id == last_used)
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now, Account.unreachable_at.is_(None),
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.priority, OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    claim = secrets.token_hex(8)
    claimed = []
    for message, chat_id, channel in (await session.execute(query)).all():
        message.claimed_until, message.claim = now + lease, claim
        message.attempts += 1
        claimed.append(Delivery(message.id, message.person_id, chat_id, message.text, message.buttons,
                                message.attempts, claim, channel, message.kind, message.due_at, message.expires_at,
                                message.subject_id, message.occasion, message.parts_sent, now))
    return claimed


async def record_parts(session: AsyncSession, delivery: Delivery, parts: int) -> None:
    """The first `parts` parts of a long message went out: a retry starts after them."""
    await session.execute(_change().where(_held(delivery)).values(parts_sent=parts))


def _held(delivery: Delivery) -> ColumnElement[bool]:  # a SQL condition: still ours
    return (OutboxMessage.id == delivery.id) & (OutboxMessage.claim == delivery.claim)


def _change() -> Update:  # an UPDATE of outbox rows that no loaded object needs to follow
    return update(OutboxMessage).execution_options(synchronize_session=False)


async def mark_sent(session: AsyncSession, delivery: Delivery, now: datetime, text: str | None = None) -> None:
    """Sent and accepted; a reminder keeps the text it went out with."""
    values: dict[str, Any] = {"status": "sent", "sent_at": now, "claimed_until": None, "claim": None}
    if text is not None:
        values["text"] = text
    await session.execute(_change().where(_held(delivery)).values(**values))


async def wait_until(session: AsyncSession, delivery: Delivery, until: datetime) -> None:
    """Not now (the person's quiet hours): back in the queue for later, and it was no attempt."""
    await session.execute(_change().where(_held(delivery)).values(
        due_at=until, claimed_until=None, claim=None, attempts=OutboxMessage.attempts - 1))


async def drop(session: AsyncSession, delivery: Delivery, status: str, reason: str) -> None:
    """Not sent on purpose: "missed" (too late to be worth it) or "skipped" (no longer owed, or muted)."""
    await session.execute(_change().where(_held(delivery)).values(
        status=status, last_error=reason, claimed_until=None, claim=None, attempts=OutboxMessage.attempts - 1))


async def expire_overdue(session: AsyncSession, now: datetime) -> int:
    """Reminders whose moment passed before they could go out (downtime, a block, the night) are recorded as missed."""
    return await rows_written(session, update(OutboxMessage).where(
        OutboxMessage.status.in_(("pending", "unreachable")), OutboxMessage.expires_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(status="missed", last_error="expired before it could be sent"))


async def postpone(session: AsyncSession, delivery: Delivery, until: datetime, error: str | None) -> None:
    values: dict[str, Any] = {"due_at": until, "claimed_until": None, "claim": None}
    if error is not None:
        values["last_error"] = error
    await session.execute(_change().where(_held(delivery)).values(**values))


async def release(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Gives back rows this run will not get to, without counting an attempt."""
    for delivery in deliveries:
        await session.execute(_change().where(_held(delivery)).values(
            claimed_until=None, claim=None, attempts=OutboxMessage.attempts - 1))


async def mark_failed(session: AsyncSession, delivery: Delivery, status: str, error: str) -> None:
    await session.execute(_change().where(_held(delivery))
                          .values(status=status, claimed_until=None, claim=None, last_error=error))


async def mark_unreachable(session: AsyncSession, person_id: int, now: datetime, channel: str | None = None, *,
                           refused_since: datetime | None = None) -> bool:
    """The person blocked the bot; True when an account was marked.

    `refused_since`: a send started after this moment was refused. The refusal is older than a "reachable
    again" recorded after that moment (they unblocked while it was on its way), so it then marks nothing.
    """
    condition = Account.person_id == person_id
    if channel is not None:
        condition &= Account.channel == channel
    if refused_since is not None:
        condition &= or_(Account.reachable_at.is_(None), Account.reachable_at <= refused_since)
    return await rows_written(session, update(Account).where(condition).values(unreachable_at=now)) > 0


async def mark_reachable(session: AsyncSession, person_id: int, channel: str, now: datetime) -> None:
    await session.execute(update(Account).where(Account.person_id == person_id, Account.channel == channel)
                          .values(unreachable_at=None, reachable_at=now))


async def requeue_for(session: AsyncSession, person_id: int, since: datetime) -> int:
    """The person can be reached again: what waited for them since `since` goes out; older messages do not."""
    waiting = (OutboxMessage.person_id == person_id, OutboxMessage.status.in_(("unreachable", "pending")))
    await session.execute(update(OutboxMessage).where(*waiting, OutboxMessage.created_at < since)
                          .values(status="unreachable", last_error="waited more than a week for the person"))
    return await rows_written(session, update(OutboxMessage).where(
        OutboxMessage.person_id == person_id, OutboxMessage.status == "unreachable",
        OutboxMessage.created_at >= since).values(status="pending"))


async def counts(session: AsyncSession) -> list[tuple[str, str, int]]:
    """(kind, status, how many) over the whole outbox."""
    rows = await session.execute(select(OutboxMessage.kind, OutboxMessage.status, func.count())
                                 .group_by(OutboxMessage.kind, OutboxMessage.status)
                                 .order_by(OutboxMessage.kind, OutboxMessage.status))
    return [(kind, status, int(n)) for kind, status, n in rows]


async def latest_errors(session: AsyncSession, limit: int = 10) -> list[OutboxMessage]:
    """The most recent delivery errors: failures, blocks, and retries still waiting."""
    result = await session.execute(select(OutboxMessage).where(
        OutboxMessage.last_error.is_not(None), OutboxMessage.status.in_(("failed", "unreachable", "pending")))
                                   .order_by(OutboxMessage.id.desc()).limit(limit))
    return list(result.scalars())
