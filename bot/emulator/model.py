"""What the fake Telegram holds: chats, the bot's messages, files, callback answers, calls and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["BotMessage", "Call", "CallbackAnswer", "Chat", "Event", "StoredFile", "UploadedFile"]


@dataclass
class UploadedFile:
    """A file part of a multipart request, before it is stored."""

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {len(self.data)} bytes)"


@dataclass
class StoredFile:
    """A file Telegram keeps: sent by a user or uploaded by the bot, reachable by file_id and by path."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo" | "document"
    data: bytes = field(repr=False)
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class Event:
    """One numbered change, for long-polling viewers such as the sandbox page."""

    seq: int
    kind: str  # update | message | edit | delete | callback_answer | chat_action
    chat_id: int | None
    data: dict[str, Any]


class Call(NamedTuple):
    """One HTTP call the bot made, as received (also the failed ones)."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass(eq=False)
class BotMessage:
    """A message the bot sent, kept in its current (possibly edited) state."""

    chat_id: int
    message_id: int
    kind: str  # "text" | "photo" | "document"
    text: str  # plain text after parsing; the caption for media
    html: str | None  # the text/caption parameter exactly as sent
    entities: list[dict[str, Any]]
    date: int
    reply_markup: dict[str, Any] | None = None  # as sent, any keyboard type
    file_id: str | None = None  # for photos, the largest size
    file_name: str | None = None
    mime_type: str | None = None
    reply_to_message_id: int | None = None
    edits: list[str] = field(default_factory=list)
    edit_date: int | None = None
    seq: int = 0  # event sequence number of the last change
    deleted: bool = False

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        return (self.reply_markup or {}).get("inline_keyboard") or []

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        return [[(b["text"], b.get("callback_data", b.get("url"))) for b in row] for row in self.inline_keyboard]

    def button_texts(self) -> list[str]:
        return [b["text"] for row in self.inline_keyboard for b in row]


@dataclass(eq=False)
class Chat:
    """A private chat between the bot and one user: what each side sent, and what the user's phone shows."""

    user: dict[str, Any]  # the Telegram User object of the person
    bot_messages: list[BotMessage] = field(default_factory=list)
    by_id: dict[int, BotMessage | dict[str, Any]] = field(default_factory=dict)  # user messages as dicts
    next_message_id: int = 1
    blocked: bool = False
    reply_keyboard: dict[str, Any] | None = None
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    chat_actions: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.user["id"]

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages still in the chat, oldest first."""
        return [m for m in self.bot_messages if not m.deleted]

    def as_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        d.update({k: self.user[k] for k in ("last_name", "username") if self.user.get(k)})
        return d

    def take_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1
