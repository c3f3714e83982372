"""Test helpers: a roster of plausible people, and a chat that talks to the engine without Telegram."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.telegram_common import parse_command
from handlers.engine import Engine
from handlers.kit import Button, FileRef, Incoming, Reply, Screen, Services
from handlers.registry import build_engine
from program.roster import parse_roster, read_table
from storage import invites
from storage.models import Person
from storage.roster import apply_roster

ROSTER_CSV = """name,role,school,subject,grade,mentor,teacher
王主任,office,,,,,
李明教授,mentor,山西大学,物理学,,,
赵华教授,mentor,山西大学,数学,,,
张丽,teacher,山西大学附属中学,,,,
陈刚,teacher,山西省实验中学,,,,
王小明,student,山西大学附属中学,物理学,高一,李明教授,张丽
刘思源,student,山西大学附属中学,数学,高二,赵华教授,张丽
孙悦,student,山西省实验中学,物理学,高一,李明教授,陈刚
"""

_update_ids = itertools.count(1)


async def import_roster(services: Services, text: str = ROSTER_CSV) -> None:
    async with services.sessions() as session, session.begin():
        roster = parse_roster(read_table(text.encode(), "roster.csv"))
        assert not roster.errors, roster.errors
        await apply_roster(session, roster.rows, services.clock.now())


async def invite_code(services: Services, name: str) -> str:
    async with services.sessions() as session, session.begin():
        person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
        invite = await invites.issue(session, person.id, services.clock.now(), timedelta(days=30))
        return invite.code


@dataclass
class Chat:
    """One person's private chat with the bot, driven at the conversation level."""

    engine: Engine
    user_id: int
    language: str = "zh-hans"
    screens: list[Screen] = field(default_factory=list)
    toasts: list[str | None] = field(default_factory=list)
    settled: list[bool] = field(default_factory=list)  # per update: the tapped question's buttons became "✓ …"
    outcomes: list[str] = field(default_factory=list)  # per update: handled, refused (a ProgramError), failed…

    async def _handle(self, **kwargs: object) -> list[Screen]:
        incoming = Incoming(user_id=self.user_id, chat_id=self.user_id, language=self.language,
                            update_id=next(_update_ids), **kwargs)  # type: ignore[arg-type]
        reply: Reply = await self.engine.handle(incoming)
        self.screens.extend(reply.screens)
        self.toasts.append(reply.toast)
        self.settled.append(reply.settle)
        self.outcomes.append(reply.outcome)
        return reply.screens

    async def send(self, text: str) -> list[Screen]:
        command = parse_command(text)
        if command:
            return await self._handle(command=command[0], argument=command[1])
        return await self._handle(text=text)

    async def send_file(self, kind: str, file_id: str, *, name: str | None = None, size: int = 1000,
                        caption: str | None = None) -> list[Screen]:
        return await self._handle(files=(FileRef(kind, file_id, f"u-{file_id}", name, None, size),), text=caption)

    def find(self, label: str) -> Button:
        for screen in reversed(self.screens):
            for row in screen.buttons:
                for button in row:
                    if button.label == label or label in button.label:
                        return button
        raise LookupError(f"no button {label!r}; last screens: {[s.text[:80] for s in self.screens[-3:]]}")

    async def press(self, label: str | None = None, *, payload: str | None = None) -> list[Screen]:
        data = payload if payload is not None else self.find(label or "").payload
        return await self._handle(payload=data, message_id=1)

    @property
    def last(self) -> str:
        return self.screens[-1].text

    @property
    def offered(self) -> list[str]:
        """The labels of the buttons under the last screen, row after row."""
        return [b.label for row in self.screens[-1].buttons for b in row]

    def said(self, count: int = 3) -> str:
        return "\n---\n".join(s.text for s in self.screens[-count:])


async def joined(engine: Engine, services: Services, name: str, user_id: int, language: str = "zh-hans") -> Chat:
    chat = Chat(engine, user_id, language)
    await chat.send(f"/start {await invite_code(services, name)}")
    return chat


def make_services(sessions, clock, calendar) -> Services:  # noqa: ANN001
    return Services(sessions=sessions, clock=clock, calendar=calendar)


def make_engine(services: Services) -> Engine:
    return build_engine(services)


@contextmanager
def statements(db: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements run on this engine inside the block (transaction control left out)."""
    counted: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            counted.append(statement)

    event.listen(db.sync_engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", count)
