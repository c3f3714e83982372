"""What a user did and what to show them, whatever the channel."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from handlers.kit.payloads import Payload
    from program.i18n import Translator

MAX_PAYLOAD_BYTES = 64  # Telegram's limit for callback data


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


@dataclass(frozen=True, init=False)
class Button:
    """A button; its payload is a typed `Payload` (packed here) or, for links, a URL."""

    label: str
    payload: str | None = None
    url: str | None = None

    def __init__(self, label: str, payload: Payload | str | None = None, url: str | None = None) -> None:
        if payload is not None and not isinstance(payload, str):
            payload = payload.pack()
        if payload is not None and len(payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload longer than {MAX_PAYLOAD_BYTES} bytes: {payload!r}")
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "payload", payload)
        object.__setattr__(self, "url", url)


Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Upload:
    """A file the bot made itself (the chart, a workbook, QR codes): sent as a photo or a document."""

    kind: str  # "photo" | "document"
    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Screen:
    """What to show; the channel adapter turns it into API calls."""

    text: str
    buttons: Rows = ()
    replace: bool = False  # edit the tapped message instead of sending a new one
    menu: tuple[tuple[str, ...], ...] | None = None  # a persistent reply keyboard; () removes it
    attachment: FileRef | None = None  # send this file with `text` as its caption
    upload: Upload | None = None  # or send this file the bot made, with `text` as its caption


SETTLED = "kit:done"  # the payload of a settled button: tapping it again does nothing


@dataclass
class Reply:
    screens: list[Screen] = field(default_factory=list)
    toast: str | None = None  # a short note on the pressed button (answerCallbackQuery)
    # What became of the update, for the runtime: handled | refused (rolled back, reason shown) |
    # duplicate (a redelivery, dropped) | failed (rolled back on an unexpected error: worth redelivering).
    outcome: str = "handled"
    # The tapped message's buttons have been answered: the adapter replaces them with "✓ <label>" (the
    # button that was tapped), so an old question cannot be answered twice. Set by the engine.
    settle: bool = False


def rows(*buttons: Button | None, per_row: int = 2) -> Rows:
    present = [b for b in buttons if b is not None]
    return tuple(tuple(present[i:i + per_row]) for i in range(0, len(present), per_row))


def pager(page: int, more: bool, to: Callable[[int], Payload]) -> list[Button | None]:
    """◀ ▶ under a paged list: to the page before (from the second on) and after (when there is `more`)."""
    return [Button("◀", to(page - 1)) if page > 0 else None, Button("▶", to(page + 1)) if more else None]


def settled_label(label: str) -> str:
    return label if label.startswith("✓ ") else f"✓ {label}"


@dataclass(frozen=True)
class Notice:
    """A message for someone else, rendered in their language when the transaction commits."""

    person_id: int
    kind: str
    dedupe_key: str  # one message per person+reason+occasion, however often the action repeats
    render: Callable[[Translator], Screen]


def esc(text: str) -> str:
    """A user's own text placed into an HTML message."""
    return html.escape(text, quote=False)


def excerpt(text: str, size: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"
