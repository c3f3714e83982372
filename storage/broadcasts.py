"""Broadcast records: who a notice or event is for, one outbox copy each, RSVPs and the delivery report."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Sequence

from sqlalchemy import Select, String, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from program.broadcasts import Audience, AudienceKind, BroadcastKind, Delivery, dedupe_key, delivery_of
from program.i18n import normalize_language
from storage import outbox, people
from storage.models import (
    Account,
    Broadcast,
    BroadcastRecipient,
    OutboxMessage,
    Person,
    PersonRole,
    School,
)
from storage.plumbing import rows_written, upsert

EVENT_LENGTH = timedelta(hours=3)  # attendees are asked to log an event this long after it starts
# What a recipient reads, in their language: (text, buttons as the outbox stores them).
Render = Callable[[str], tuple[str, list[Any]]]


def _audience_query(audience: Audience) -> Select[Any]:  # a Select of person ids
    query = select(Person.id)
    if audience.kind is AudienceKind.ALUMNI:
        return query.where(Person.alumni_at.is_not(None))
    query = query.where(Person.exited_at.is_(None), Person.alumni_at.is_(None))
    if audience.kind is AudienceKind.ROLE:
        query = query.where(Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == audience.value)))
    elif audience.kind is AudienceKind.SCHOOL:
        query = query.join(School, School.id == Person.school_id).where(School.name == audience.value)
    elif audience.kind is AudienceKind.SUBJECT:
        query = query.where(Person.subject == audience.value)  # its students and its mentors
    return query


async def count_audience(session: AsyncSession, audience: Audience) -> int:
    """How many people a broadcast would reach now (shown before the office confirms)."""
    return (await session.execute(select(func.count()).select_from(_audience_query(audience).subquery()))
            ).scalar_one()


async def draft(session: AsyncSession, *, author_id: int | None, kind: BroadcastKind, audience: Audience, text: str,
                now: datetime, event_at: datetime | None = None, event_place: str | None = None) -> Broadcast:
    broadcast = Broadcast(author_id=author_id, kind=kind.value, audience=audience.kind.value,
                          audience_value=audience.value, text=text, event_at=event_at, event_place=event_place,
                          status="draft", created_at=now)
    session.add(broadcast)
    await session.flush()
    return broadcast


def audience_of(broadcast: Broadcast) -> Audience:
    return Audience(AudienceKind(broadcast.audience), broadcast.audience_value)


async def send(session: AsyncSession, broadcast_id: int, *, render: Render, due_at: datetime,
               now: datetime) -> int | None:
    """Fixes the recipients and queues one copy each; None when it was already sent (a double tap).

    The draft → sent switch is a conditional update, and each copy has a dedupe key, so neither a second
    tap nor a worker restarting mid-send can make a second copy.
    """
    switched = await rows_written(session, update(Broadcast).where(Broadcast.id == broadcast_id,
                                                                   Broadcast.status == "draft")
                                  .values(status="sent", sent_at=now))
    if not switched:
        return None
    broadcast = await session.get_one(Broadcast, broadcast_id)
    recipients = (await session.execute(select(Person.id).where(
        Person.id.in_(_audience_query(audience_of(broadcast)))).order_by(Person.id))).scalars().all()
    if not recipients:
        return 0
    await session.execute(upsert(session, BroadcastRecipient).on_conflict_do_nothing(),
                          [{"broadcast_id": broadcast_id, "person_id": pid} for pid in recipients])
    languages = await people.languages_of(session, recipients)  # one per person, however many accounts
    rendered: dict[str, tuple[str, list[Any]]] = {}
    copies = []
    for person_id in recipients:
        language = normalize_language(languages.get(person_id))
        if language not in rendered:
            rendered[language] = render(language)
        text, buttons = rendered[language]
        copies.append({"person_id": person_id, "kind": "broadcast", "dedupe_key": dedupe_key(broadcast_id, person_id),
                       "text": text, "buttons": buttons, "due_at": due_at, "status": "pending", "attempts": 0,
                       "created_at": now})
    await session.execute(upsert(session, OutboxMessage).on_conflict_do_nothing(), copies)
    return len(recipients)


@dataclass
class DeliveryReport:
    counts: dict[Delivery, int] = field(default_factory=lambda: {d: 0 for d in Delivery})
    names: dict[Delivery, list[str]] = field(default_factory=lambda: {d: [] for d in Delivery})
    rsvp: dict[str, list[str]] = field(default_factory=lambda: {"yes": [], "no": []})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def report(session: AsyncSession, broadcast_id: int) -> DeliveryReport:
    """Where each copy stands now: sent, queued, waiting for someone to join, blocked, failed; and RSVPs."""
    key = literal("broadcast:") + cast(BroadcastRecipient.broadcast_id, String) + literal(":") \
        + cast(BroadcastRecipient.person_id, String)
    # A person with two accounts (Telegram and DingTalk) is one recipient: reachable while any account is.
    accounts = select(Account.person_id, func.count(Account.id).label("joined"),
                      func.count(Account.id).filter(Account.unreachable_at.is_(None)).label("reachable")) \
        .group_by(Account.person_id).subquery()
    rows = await session.execute(
        select(Person.name, accounts.c.joined, accounts.c.reachable, OutboxMessage.status, BroadcastRecipient.rsvp)
        .select_from(BroadcastRecipient).join(Person, Person.id == BroadcastRecipient.person_id)
        .outerjoin(accounts, accounts.c.person_id == BroadcastRecipient.person_id)
        .outerjoin(OutboxMessage, OutboxMessage.dedupe_key == key)
        .where(BroadcastRecipient.broadcast_id == broadcast_id).order_by(Person.name))
    found = DeliveryReport()
    for name, joined, reachable, status, rsvp in rows:
        state = delivery_of(bool(joined), bool(joined) and not reachable, status)
        found.counts[state] += 1
        found.names[state].append(name)
        if rsvp in found.rsvp:
            found.rsvp[rsvp].append(name)
    return found


async def answer(session: AsyncSession, broadcast_id: int, person_id: int, coming: bool, now: datetime) -> bool:
    """A recipient's RSVP to an event; False when the event was not sent to them."""
    event = select(Broadcast.id).where(Broadcast.kind == BroadcastKind.EVENT.value)
    answered = await rows_written(session, update(BroadcastRecipient).where(
        BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.person_id == person_id,
        BroadcastRecipient.broadcast_id.in_(event)).values(rsvp="yes" if coming else "no", rsvp_at=now))
    return bool(answered)


async def recent(session: AsyncSession, offset: int, limit: int) -> Sequence[Broadcast]:
    rows = await session.execute(select(Broadcast).where(Broadcast.status == "sent")
                                 .order_by(Broadcast.sent_at.desc(), Broadcast.id.desc()).offset(offset).limit(limit))
    return rows.scalars().all()


async def follow_up_events(session: AsyncSession, now: datetime, due_at: datetime,
                           render: Callable[[Broadcast, str], tuple[str, list[Any]]]) -> int:
    """After an event, each student who said they would come is asked once to log it; returns how many were asked.

    One row per person, in the language of the account they used last, through the outbox's one way in (a person
    on Telegram and DingTalk was once rendered twice and counted twice, the second row dropped by its key).
    """
    queued = 0
    for event, attendees in await events_to_follow_up(session, now, EVENT_LENGTH):
        languages = await people.languages_of(session, attendees)
        for person_id in sorted(languages):
            text, buttons = render(event, normalize_language(languages[person_id]))
            queued += await outbox.enqueue(session, person_id=person_id, kind="event_log",
                                           dedupe_key=f"event-log:{event.id}:{person_id}", text=text, buttons=buttons,
                                           due_at=due_at, now=now)
    return queued


async def attended(session: AsyncSession, broadcast_id: int, person_id: int) -> Broadcast | None:
    """The event, only if this person said they would come and it has taken place (a log is about the past)."""
    return (await session.execute(
        select(Broadcast).join(BroadcastRecipient, BroadcastRecipient.broadcast_id == Broadcast.id)
        .where(Broadcast.id == broadcast_id, Broadcast.kind == BroadcastKind.EVENT.value,
               BroadcastRecipient.person_id == person_id, BroadcastRecipient.rsvp == "yes"))).scalar_one_or_none()


async def events_to_follow_up(session: AsyncSession, now: datetime, after: timedelta = timedelta(0),
                              ) -> list[tuple[Broadcast, list[int]]]:
    """Events that took place (`after` their start) and whose attendees were not yet asked to log them; claims each
    one once."""
    events = (await session.execute(select(Broadcast).where(
        Broadcast.kind == BroadcastKind.EVENT.value, Broadcast.status == "sent", Broadcast.event_at <= now - after,
        Broadcast.followed_up_at.is_(None)))).scalars().all()
    claimed = []
    for event in events:
        won = await rows_written(session, update(Broadcast).where(Broadcast.id == event.id,
                                                                  Broadcast.followed_up_at.is_(None))
                                 .values(followed_up_at=now))
        if not won:
            continue  # another worker took it
        attendees = (await session.execute(
            select(BroadcastRecipient.person_id).join(PersonRole, PersonRole.person_id == BroadcastRecipient.person_id)
            .where(BroadcastRecipient.broadcast_id == event.id, BroadcastRecipient.rsvp == "yes",
                   PersonRole.role == "student"))).scalars().all()
        claimed.append((event, list(attendees)))
    return claimed
