"""Fake Telegram Bot API server and test-side user client for end-to-end, fault and load tests."""

from .html import HtmlParseError, parse_html
from .server import (
    ApiError,
    BotApiEmulator,
    BotMessage,
    Call,
    CallbackAnswer,
    Event,
    StoredFile,
    UploadedFile,
)
from .user import FakeUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "BotMessage",
    "Call",
    "CallbackAnswer",
    "Event",
    "FakeUser",
    "HtmlParseError",
    "StoredFile",
    "UploadedFile",
    "parse_html",
]
