"""What a handler may touch for one update: the injected services and the per-update context."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.kit.screens import Incoming, Notice, Screen
from handlers.kit.state import State
from program.calendar import ProgramCalendar
from program.clock import PROGRAM_ZONE, Clock, local_now
from program.i18n import Translator, format_day, format_moment, translator
from program.roles import Role

if TYPE_CHECKING:
    from storage.models import Account, Person


@dataclass
class Services:
    """What handlers need from the outside world, injected so tests and the sandbox control it."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    calendar: ProgramCalendar
    zone: tzinfo = PROGRAM_ZONE
    on_outbox: Callable[[], None] = lambda: None
    bot_username: str | None = None  # for invite links and QR codes (Telegram); None: codes only
    invite_days: int = 30
    commands: set[str] = field(default_factory=set)  # filled by the engine: what the menu may offer
    flows: dict[str, Any] = field(default_factory=dict)  # filled by the engine: name → Flow


class Ctx:
    """Everything a handler may touch for one update, inside one database transaction."""

    def __init__(self, *, session: AsyncSession, incoming: Incoming, services: Services,
                 account: Account | None, state: State) -> None:
        self.session = session
        self.incoming = incoming
        self.services = services
        self.account = account
        self.person: Person | None = account.person if account else None
        self.roles = frozenset(Role(r.role) for r in self.person.roles) if self.person else frozenset()
        self.state = state
        self.notices: list[Notice] = []
        self.t: Translator = translator(self.language)

    def notify(self, person_id: int, kind: str, dedupe_key: str, render: Callable[[Translator], Screen]) -> None:
        """Queues a message for someone else; it goes out through the outbox after this update commits."""
        self.notices.append(Notice(person_id, kind, dedupe_key, render))

    def sign_in(self, account: Account) -> None:
        """The account was just bound: from now on this update speaks to its person."""
        self.account, self.person = account, account.person
        self.roles = frozenset(Role(r.role) for r in account.person.roles)
        self.t = translator(self.language)

    @property
    def language(self) -> str:
        if self.person is not None and self.person.language:
            return self.person.language
        if self.account is not None and self.account.language_code:
            return self.account.language_code
        return self.incoming.language or ""

    def use_language(self, language: str) -> None:
        self.t = translator(language)

    @property
    def clock(self) -> Clock:
        return self.services.clock

    def now(self) -> datetime:
        return self.services.clock.now()

    def today(self) -> date:
        return local_now(self.services.clock, self.services.zone).date()

    def day(self, value: date, *, year: bool = False) -> str:
        return format_day(value, self.t.language, year=year)

    def moment(self, value: datetime) -> str:
        return format_moment(value.astimezone(self.services.zone), self.t.language)

    @property
    def me(self) -> Person:
        assert self.person is not None
        return self.person
