"""Fake Telegram Bot API server and test-side user client for end-to-end, fault and load tests.

The parts: `world` (chats, messages, files, updates, events; a public API), `methods/` (the Bot API,
one module per area, each method declared on its implementation), `http` (loopback serving, fault
injection, the browser guard; reusable by other emulators), `server` (the Bot API over aiohttp), and
`user` (`FakeUser`, a phone that acts through the world's public API).
"""

from .errors import ApiError
from .html import HtmlParseError, parse_html
from .http import Fault, Faults
from .model import BotMessage, Call, CallbackAnswer, Chat, Event, StoredFile, UploadedFile
from .params import MethodSet, Params
from .server import BotApiEmulator
from .user import FakeUser
from .world import World

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "BotMessage",
    "Call",
    "CallbackAnswer",
    "Chat",
    "Event",
    "FakeUser",
    "Fault",
    "Faults",
    "HtmlParseError",
    "MethodSet",
    "Params",
    "StoredFile",
    "UploadedFile",
    "World",
    "parse_html",
]
