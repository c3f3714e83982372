"""The only vocabulary conversations speak: what a user did, what to show, and how flows route."""
from __future__ import annotations

import copy
import html
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable

from program.clock import local_now
from program.i18n import Translator, format_day, format_moment, translator
from program.roles import Role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from handlers.engine import Services
    from storage.models import Account, Person

MAX_PAYLOAD_BYTES = 64


@dataclass(frozen=True)
class FileRef:
    """A file the user sent, kept by the channel (a Telegram file id), not downloaded."""

    kind: str  # "photo" | "document"
    file_id: str
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileRef:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Incoming:
    """One user action, whatever the channel."""

    user_id: int
    chat_id: int
    language: str | None = None
    text: str | None = None
    command: str | None = None  # "log" for /log
    argument: str | None = None  # "/start <code>"'s code
    payload: str | None = None  # a pressed button's data
    files: tuple[FileRef, ...] = ()
    message_id: int | None = None  # the message whose button was pressed
    update_id: int | None = None
    channel: str = "telegram"
    update_scope: str = "telegram"  # where update ids are unique: one bot (ids restart with a new bot)
    buttons_as_text: bool = False  # a channel without buttons (DingTalk): a tap arrives as typed text


SHOWN_SCREENS = 3  # a text-only channel honours the buttons of this many recent screens (links stay tappable)


def shown_buttons(screens: Iterable[Screen]) -> list[list[str]]:
    """The [label, payload] pairs of the last screen with buttons, in reading order (1, 2, 3…)."""
    for screen in reversed(list(screens)):
        pairs = [[b.label, b.payload] for row in screen.buttons for b in row if b.payload is not None]
        if pairs:
            return pairs
    return []


def remember(shown: list[Any] | None, pairs: list[list[str]]) -> list[Any]:
    return [pairs, *(shown or [])][:SHOWN_SCREENS]


def tapped(shown: list[Any] | None, text: str, *, awaits_text: bool) -> str | None:
    """The payload of the button a typed text stands for, or None: then it is ordinary text.

    The label of a recently shown button (what a markdown link sends) or, where the step does not take
    typed text, the number of a button of the newest screen. Nothing typed is ever read as a payload.
    """
    typed = text.strip()
    if not shown or not typed:
        return None
    if typed.isascii() and typed.isdigit() and len(typed) <= 3 and not awaits_text:
        newest = shown[0]
        number = int(typed)
        return newest[number - 1][1] if 1 <= number <= len(newest) else None
    for pairs in shown:
        for label, payload in pairs:
            if label == typed:
                return payload
    return None


@dataclass(frozen=True)
class Button:
    label: str
    payload: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.payload is not None and len(self.payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload longer than {MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Screen:
    """What to show; the channel adapter turns it into API calls."""

    text: str
    buttons: Rows = ()
    replace: bool = False  # edit the tapped message instead of sending a new one
    menu: tuple[tuple[str, ...], ...] | None = None  # a persistent reply keyboard; () removes it
    attachment: FileRef | None = None  # send this file with `text` as its caption


@dataclass
class Reply:
    screens: list[Screen] = field(default_factory=list)
    toast: str | None = None  # a short note on the pressed button (answerCallbackQuery)
    # What became of the update, for the runtime: handled | refused (rolled back, reason shown) |
    # duplicate (a redelivery, dropped) | failed (rolled back on an unexpected error: worth redelivering).
    outcome: str = "handled"


def rows(*buttons: Button | None, per_row: int = 2) -> Rows:
    present = [b for b in buttons if b is not None]
    return tuple(tuple(present[i:i + per_row]) for i in range(0, len(present), per_row))


@dataclass(frozen=True)
class Notice:
    """A message for someone else, rendered in their language when the transaction commits."""

    person_id: int
    kind: str
    dedupe_key: str  # one message per person+reason+occasion, however often the action repeats
    render: Callable[[Translator], Screen]


@dataclass
class State:
    """Where a user is: the flow, the awaited step, and per-flow drafts (kept while other flows run)."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> State:
        return State(self.flow, self.step, copy.deepcopy(self.data))

    @property
    def draft(self) -> dict[str, Any]:
        if self.flow is None:
            raise RuntimeError("no flow is active")
        return self.data.setdefault(self.flow, {})

    def begin(self, flow: str, step: str | None, draft: dict[str, Any] | None = None) -> None:
        """Starts (or takes up) a flow; the one it interrupts keeps its draft and step for later."""
        self.switch(flow)
        self.flow, self.step = flow, step
        if draft is not None:
            self.data[flow] = draft

    def goto(self, step: str | None) -> None:
        self.step = step

    def finish(self) -> None:
        """Leaves the flow and throws its draft away."""
        if self.flow:
            self.data.pop(self.flow, None)
        self.flow = self.step = None

    def pause(self) -> None:
        """Stops awaiting input but keeps the draft (and where it was) for later."""
        if self.flow and self.step and self.data.get(self.flow) is not None:
            self.data[self.flow]["_step"] = self.step
        self.step = None

    def switch(self, flow: str) -> None:
        """Another flow takes over; the one left keeps its draft."""
        if flow != self.flow:
            self.pause()
            self.flow = flow

    def resume_step(self) -> str | None:
        return self.draft.pop("_step", None)

    def has_draft(self, flow: str) -> bool:
        return bool(self.data.get(flow))


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
    def clock(self):  # noqa: ANN201 - the Clock protocol
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


Handler = Callable[..., Awaitable["Screen | Reply | list[Screen]"]]


@dataclass
class Route:
    handler: Handler
    roles: frozenset[Role] | None  # None: anyone bound to the roster
    public: bool = False  # strangers (no invite used yet) may use it too: /start


class Flow:
    """A conversation capability: its commands, buttons (payload "<flow>:<action>:args") and steps."""

    def __init__(self, name: str, *, on_cancel_keep: str | None = None) -> None:
        """`on_cancel_keep`: /cancel keeps this flow's draft and says this (a msgid); otherwise drops it."""
        if ":" in name:
            raise ValueError("flow names cannot contain ':'")
        self.name = name
        self.on_cancel_keep = on_cancel_keep
        self.commands: dict[str, Route] = {}
        self.buttons: dict[str, Route] = {}
        self.texts: dict[str, Handler] = {}
        self.file_steps: dict[str | None, Handler] = {}
        self.prompts: dict[str, Handler] = {}

    @staticmethod
    def _roles(role: Role | Iterable[Role] | None) -> frozenset[Role] | None:
        if role is None:
            return None
        return frozenset({role}) if isinstance(role, Role) else frozenset(role)

    def command(self, name: str, role: Role | Iterable[Role] | None = None, *,
                public: bool = False) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.commands[name] = Route(fn, self._roles(role), public)
            return fn
        return register

    def button(self, action: str, role: Role | Iterable[Role] | None = None) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.buttons[action] = Route(fn, self._roles(role))
            return fn
        return register

    def text(self, *steps: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            for step in steps:
                self.texts[step] = fn
            return fn
        return register

    def files(self, step: str | None = None) -> Callable[[Handler], Handler]:
        """Files sent at `step` (None: at any step of this flow)."""
        def register(fn: Handler) -> Handler:
            self.file_steps[step] = fn
            return fn
        return register

    def prompt(self, *steps: str) -> Callable[[Handler], Handler]:
        """How to ask for a step again after wrong input."""
        def register(fn: Handler) -> Handler:
            for step in steps:
                self.prompts[step] = fn
            return fn
        return register

    def payload(self, action: str, *args: object) -> str:
        return ":".join([self.name, action, *(str(a) for a in args)])


MAX_ID = 2**31 - 1  # PostgreSQL's integer: a bigger id cannot exist, and asyncpg would refuse to send it


def int_arg(value: str) -> int:
    """A numeric id from a button payload; a forged value reads as "not found", never a crash."""
    from program.errors import NotFound

    if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) > MAX_ID:
        raise NotFound()
    return int(value)


def esc(text: str) -> str:
    """A user's own text placed into an HTML message."""
    return html.escape(text, quote=False)


def excerpt(text: str, size: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"
