"""Reminder stories: the real sweeps, the real delivery worker and the real conversations, on a settable clock.

Only Telegram's side is replaced, by an inbox that keeps what each chat was sent (the Telegram side is covered
end to end against the emulator in tests/e2e).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from handlers.engine import Engine
from handlers.kit import Services
from program.clock import SettableClock
from scheduler.delivery import DeliveryWorker, RateLimiter
from scheduler.reminder_texts import ReminderTexts
from scheduler.sweeper import Sweeper
from tests.conftest import at
from tests.helpers import Chat, import_roster, joined, make_engine, make_services


@dataclass(frozen=True)
class Sent:
    chat_id: int
    text: str
    buttons: list[Any]

    @property
    def payloads(self) -> list[str]:
        return [payload for row in self.buttons for _, payload in row]

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]


@dataclass
class Inbox:
    """What the delivery worker handed to Telegram, chat by chat."""

    sent: list[Sent] = field(default_factory=list)

    async def send_notice(self, chat_id: int, text: str, buttons: list[Any]) -> None:
        self.sent.append(Sent(chat_id, text, buttons))

    def of(self, chat: Chat) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat.user_id]


@dataclass
class Program:
    """A program year on a database: people join, time passes, the scheduler sweeps and delivers."""

    services: Services
    engine: Engine
    clock: SettableClock
    sweeper: Sweeper
    worker: DeliveryWorker
    inbox: Inbox
    _users: int = 1000

    async def join(self, name: str, language: str = "zh-hans") -> Chat:
        self._users += 1
        return await joined(self.engine, self.services, name, self._users, language)

    async def at(self, moment: str) -> list[Sent]:
        """Moves the clock to `moment` (program time), runs the sweeps and the outbox; what was sent then."""
        self.clock.set(at(moment))
        return await self.run()

    async def run(self) -> list[Sent]:
        before = len(self.inbox.sent)
        await self.sweeper.sweep()
        await self.worker.drain()
        return self.inbox.sent[before:]

    async def rows(self, kind: str | None = None) -> list[Any]:
        from sqlalchemy import select

        from storage.models import OutboxMessage

        async with self.services.sessions() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind is not None:
                query = query.where(OutboxMessage.kind == kind)
            return list((await session.execute(query)).scalars())


def make_program(sessions, calendar, start: datetime) -> Program:  # noqa: ANN001
    clock = SettableClock(start, frozen=True)
    services = make_services(sessions, clock, calendar)
    inbox = Inbox()
    sweeper = Sweeper(sessions, clock, calendar, services.zone)
    worker = DeliveryWorker(sessions, inbox, clock, RateLimiter(per_second=1000, per_chat_interval=0),
                            zone=services.zone, texts=ReminderTexts(calendar, services.zone),
                            quiet=calendar.reminders.quiet_hours)
    return Program(services, make_engine(services), clock, sweeper, worker, inbox)


@pytest.fixture
async def program(sessions, calendar):
    """The test roster, imported on 2027-02-01; nobody has joined yet."""
    found = make_program(sessions, calendar, at("2027-02-01 10:00"))
    await import_roster(found.services)
    return found
