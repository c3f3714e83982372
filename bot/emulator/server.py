"""In-process fake Telegram Bot API server (aiohttp) with chat state, fault injection and events."""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import logging
import mimetypes
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple, Self

from aiohttp import web

from .html import HtmlParseError, parse_html, trim_text, utf16_len

if TYPE_CHECKING:
    from .user import FakeUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "BotMessage",
    "Call",
    "CallbackAnswer",
    "Event",
    "StoredFile",
    "UploadedFile",
]

log = logging.getLogger(__name__)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA = 4096, 1024, 64
MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_UPLOAD = 50 * 1024 * 1024
# Telegram's default when allowed_updates is empty/unset: everything except these.
_OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "entities", "caption_entities",
                "link_preview_options", "reply_parameters", "scope", "media"}
_CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                 "upload_document", "choose_sticker", "find_location", "record_video_note",
                 "upload_video_note"}
_PHOTO_SIZES = ((90, 68), (320, 240), (800, 600))
_DEFAULT_DESCRIPTIONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
                         404: "Not Found", 409: CONFLICT, 500: "Internal Server Error", 502: "Bad Gateway"}


@dataclass
class ApiError(Exception):
    """A Telegram error envelope; raised inside handlers and used for injected failures."""

    error_code: int
    description: str
    retry_after: int | None = None

    @classmethod
    def flood(cls, retry_after: int = 1) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    @classmethod
    def blocked(cls) -> ApiError:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def bad_request(cls, reason: str) -> ApiError:
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def server_error(cls) -> ApiError:
        return cls(500, "Internal Server Error")

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.error_code == 429:
            body["parameters"] = {"retry_after": self.retry_after or 1}
        return body


@dataclass
class UploadedFile:
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {len(self.data)} bytes)"


@dataclass
class StoredFile:
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
    seq: int
    kind: str  # update | message | edit | delete | callback_answer | chat_action
    chat_id: int | None
    data: dict[str, Any]


class Call(NamedTuple):
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
class _Chat:
    user: dict[str, Any]
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

    def as_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        d.update({k: self.user[k] for k in ("last_name", "username") if self.user.get(k)})
        return d

    def take_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1


@dataclass
class _Fault:
    method: str
    error: ApiError | None  # None means drop the connection
    times: int
    chat_id: int | None


class _Params:
    """Request parameters from any transport, with Telegram's lenient coercions."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values, self.files = values, files

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None or value == "" else value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f'field "{name}" must be a valid Number') from None

    def flag(self, name: str) -> bool:
        value = self.get(name, False)
        return value.lower() in {"true", "1"} if isinstance(value, str) else bool(value)

    def string(self, name: str) -> str | None:
        value = self.get(name)
        return None if value is None else str(value)

    def file(self, name: str) -> str | UploadedFile | None:
        value = self.files.get(name) or self.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value[len("attach://"):])
        return value


Handler = Callable[[_Params], Awaitable[Any]]


class BotApiEmulator:
    """Fake Bot API: point aiogram/ptb at `url`, drive users with `user()`, inspect state."""

    def __init__(self, token: str = "123:ABC", bot_id: int = 123, bot_username: str = "yingcai_test_bot",
                 bot_first_name: str = "英才计划助手") -> None:
        self.token = token
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username}
        self.url: str | None = None
        self.calls: list[Call] = []
        self.events: collections.deque[Event] = collections.deque(maxlen=50_000)
        self.seq = 0
        self.confirmed_offset = 0
        self.confirmations: list[tuple[int, float]] = []  # (offset, monotonic time) each time it grew
        self.files: dict[str, StoredFile] = {}
        self._paths: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.latency: dict[str | None, float] = {}
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, FakeUser] = {}
        self._updates: collections.deque[dict[str, Any]] = collections.deque()
        self._next_update_id = 1
        self._allowed: set[str] | None = None
        self._poll_token = 0
        self._last_poll: float | None = None
        self._faults: list[_Fault] = []
        self._queries: dict[str, tuple[int, bool]] = {}  # id -> (user id, answered)
        self._photo_sets: dict[str, list[str]] = {}
        self._ids = itertools.count(1)
        self._wake = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me, "getUpdates": self._get_updates, "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info, "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands, "deleteMyCommands": self._delete_my_commands,
            "sendChatAction": self._send_chat_action, "sendMessage": self._send_message,
            "sendPhoto": self._send_photo, "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text, "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup, "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query, "getFile": self._get_file,
        }
        # Harmless calls bots make at start-up/shutdown; answering true keeps them from crashing.
        for name in ("close", "logOut", "setMyDescription", "setMyShortDescription", "setMyName",
                     "setChatMenuButton", "setMyDefaultAdministratorRights"):
            self._handlers[name] = self._true
        self._canonical = {name.lower(): name for name in self._handlers}

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        if host not in _LOOPBACK:
            # The emulator has no real authentication, so it must never be reachable from outside.
            raise ValueError(f"the emulator only binds to loopback, not {host!r}")
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.url = f"http://{bound_host}:{bound_port}"
        return self.url

    async def stop(self) -> None:
        self._closing = True  # lets pending long polls return at once instead of holding shutdown
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- test-side API -----------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Test", language_code: str | None = "zh-hans",
             username: str | None = None, last_name: str | None = None) -> FakeUser:
        from .user import FakeUser

        if user_id not in self._users:
            info = {"id": user_id, "is_bot": False, "first_name": first_name}
            info.update({k: v for k, v in (("last_name", last_name), ("username", username),
                                           ("language_code", language_code)) if v})
            self._chats[user_id] = _Chat(info)
            self._users[user_id] = FakeUser(self, info)
        return self._users[user_id]

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        return [m for m in self._chat(chat_id).bot_messages if not m.deleted]

    def block(self, user_id: int) -> None:
        self._chat(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        self._chat(user_id).blocked = False

    def fail_next(self, method: str, error_code: int = 429, description: str | None = None,
                  retry_after: int | None = None, times: int = 1, chat_id: int | None = None, *,
                  error: ApiError | None = None) -> None:
        """Answer the next `times` calls of `method` (optionally only for one chat) with an error."""
        if error is None:
            if error_code == 429:
                retry_after = retry_after or 1
                description = description or f"Too Many Requests: retry after {retry_after}"
            error = ApiError(error_code, description or _DEFAULT_DESCRIPTIONS.get(error_code, "Error"),
                             retry_after)
        self._faults.append(_Fault(self._canon(method), error, times, chat_id))

    def drop_next(self, method: str, times: int = 1, chat_id: int | None = None) -> None:
        """Close the connection without answering, as a network failure would."""
        self._faults.append(_Fault(self._canon(method), None, times, chat_id))

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay answers to `method` (all methods but getUpdates when None) to simulate a slow API."""
        self.latency[self._canon(method) if method else None] = seconds

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        method = self._canon(method)
        return [c.params for c in self.calls if c.method == method]

    def get_commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, str]]:
        return self.commands.get((_scope_key(scope), language_code), [])

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._updates)

    async def wait_confirmed(self, update_id: int, timeout: float = 5.0) -> None:
        if not await self._wait_until(lambda: self.confirmed_offset > update_id, timeout):
            raise TimeoutError(f"update {update_id} not confirmed within {timeout}s "
                               f"(confirmed offset {self.confirmed_offset}, {self._poll_state()})")

    async def wait_event(self, after_seq: int, timeout: float = 25.0) -> list[Event]:
        """Long-poll primitive: events newer than after_seq, or [] once timeout passes."""
        await self._wait_until(lambda: self.seq > after_seq or self._closing, timeout)
        return self.events_since(after_seq)

    def events_since(self, after_seq: int) -> list[Event]:
        newer = list(itertools.takewhile(lambda e: e.seq > after_seq, reversed(self.events)))
        return newer[::-1]

    # ---- internals shared with FakeUser ----------------------------------------------------------

    def _canon(self, method: str) -> str:
        return self._canonical.get(method.lower(), method)

    def _chat(self, chat_id: int) -> _Chat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise KeyError(f"no chat {chat_id}; create it with emu.user({chat_id})") from None

    def _notify(self) -> None:
        # A swapped Event is a broadcast that sync code can trigger (no Condition lock needed).
        self._wake.set()
        self._wake = asyncio.Event()

    def _emit(self, kind: str, chat_id: int | None, data: dict[str, Any]) -> int:
        self.seq += 1
        self.events.append(Event(self.seq, kind, chat_id, data))
        self._notify()
        return self.seq

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._wake.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    def _poll_state(self) -> str:
        if self._last_poll is None:
            return "the bot never called getUpdates"
        return f"last getUpdates {time.monotonic() - self._last_poll:.1f}s ago"

    def _enqueue(self, kind: str, payload: dict[str, Any], chat_id: int) -> int | None:
        """Queue an update; None when the bot's allowed_updates filters it out (Telegram drops it)."""
        if (kind not in self._allowed) if self._allowed else (kind in _OPT_IN_UPDATES):
            return None
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._updates.append(update)
        self._emit("update", chat_id, update)
        return update["update_id"]

    def _user_message(self, chat: _Chat, **content: Any) -> dict[str, Any]:
        message = {"message_id": chat.take_id(), "from": dict(chat.user), "chat": chat.as_dict(),
                   "date": int(time.time()), **content}
        chat.by_id[message["message_id"]] = message
        return message

    def _press(self, chat: _Chat, message: BotMessage, data: str) -> int | None:
        query_id = str(4_000_000_000_000_000 + next(self._ids))
        self._queries[query_id] = (chat.id, False)
        payload = {"id": query_id, "from": dict(chat.user), "message": self._message_dict(message),
                   "chat_instance": str((chat.id * 2654435761) % 2**63), "data": data}
        return self._enqueue("callback_query", payload, chat.id)

    def _store_file(self, kind: str, data: bytes, file_name: str | None = None,
                    mime_type: str | None = None) -> list[StoredFile]:
        """Store content; photos get several sizes that share the bytes, like Telegram's thumbnails."""
        n = next(self._ids)
        if kind == "photo":
            sizes = []
            for index, (w, h) in enumerate(_PHOTO_SIZES):
                file_id = f"AgACAgUAAxk{n:06d}{index}{secrets.token_urlsafe(12)}"
                sizes.append(StoredFile(file_id, f"AQAD{n:06d}{index}", "photo", data,
                                        f"photos/file_{n}_{index}.jpg", width=w, height=h))
            for s in sizes:
                self.files[s.file_id] = self._paths[s.file_path] = s
                self._photo_sets[s.file_id] = [x.file_id for x in sizes]
            return sizes
        mime_type = mime_type or mimetypes.guess_type(file_name or "")[0] or "application/octet-stream"
        ext = PurePosixPath(file_name or "").suffix.lower() or mimetypes.guess_extension(mime_type) or ".bin"
        stored = StoredFile(f"BQACAgUAAxk{n:06d}{secrets.token_urlsafe(12)}", f"AgAD{n:06d}", "document",
                            data, f"documents/file_{n}{ext}", file_name, mime_type)
        self.files[stored.file_id] = self._paths[stored.file_path] = stored
        return [stored]

    def _media_dict(self, stored: list[StoredFile]) -> dict[str, Any]:
        if stored[0].kind == "photo":
            return {"photo": [{"file_id": s.file_id, "file_unique_id": s.file_unique_id,
                               "file_size": len(s.data), "width": s.width, "height": s.height} for s in stored]}
        s = stored[0]
        doc = {"file_id": s.file_id, "file_unique_id": s.file_unique_id, "file_size": len(s.data)}
        doc.update({k: v for k, v in (("file_name", s.file_name), ("mime_type", s.mime_type)) if v})
        return {"document": doc}

    def _message_dict(self, m: BotMessage, with_reply: bool = True) -> dict[str, Any]:
        chat = self._chats[m.chat_id]
        d: dict[str, Any] = {"message_id": m.message_id, "from": dict(self.bot_user), "chat": chat.as_dict(),
                             "date": m.date}
        if m.edit_date:
            d["edit_date"] = m.edit_date
        replied = chat.by_id.get(m.reply_to_message_id) if m.reply_to_message_id and with_reply else None
        if replied is not None:
            d["reply_to_message"] = self._reply_dict(replied)
        if m.kind == "text":
            d["text"] = m.text
            if m.entities:
                d["entities"] = m.entities
        else:
            d.update(self._media_dict(self._file_set(m.file_id or "")))
            if m.text:
                d["caption"] = m.text
            if m.entities:
                d["caption_entities"] = m.entities
        if m.inline_keyboard:
            d["reply_markup"] = {"inline_keyboard": m.inline_keyboard}
        return d

    def _reply_dict(self, replied: BotMessage | dict[str, Any]) -> dict[str, Any]:
        # Telegram nests only one level of reply_to_message.
        if isinstance(replied, BotMessage):
            return self._message_dict(replied, with_reply=False)
        return {k: v for k, v in replied.items() if k != "reply_to_message"}

    def _file_set(self, file_id: str) -> list[StoredFile]:
        return [self.files[f] for f in self._photo_sets.get(file_id, [file_id])]

    # ---- HTTP plumbing ------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return _reply(ApiError(404, "Not Found").envelope(), 404)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _reply(ApiError(401, "Unauthorized").envelope(), 401)
        stored = self._paths.get(request.match_info["path"])
        if stored is None:
            return _reply(ApiError(404, "Not Found").envelope(), 404)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = self._canon(request.match_info["method"])
        try:
            params = await _read_params(request)
        except ApiError as error:
            return _reply(error.envelope(), error.error_code)
        self.calls.append(Call(method, {**params.values, **params.files}, time.monotonic()))
        if request.match_info["token"] != self.token:
            return _reply(ApiError(401, "Unauthorized").envelope(), 401)
        handler = self._handlers.get(method)
        if handler is None:
            return _reply(ApiError(404, "Not Found").envelope(), 404)
        fault = self._take_fault(method, params)
        if fault is not None and fault.error is None:
            # Closing the transport makes the client see a disconnect, like a dropped connection.
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        delay = self.latency.get(method, self.latency.get(None, 0.0) if method != "getUpdates" else 0.0)
        if delay:
            await asyncio.sleep(delay)
        try:
            if fault is not None:
                raise fault.error  # type: ignore[misc]
            result = await handler(params)
        except ApiError as error:
            return _reply(error.envelope(), error.error_code)
        except Exception as error:  # keep the JSON envelope, but log loudly: this is an emulator bug
            log.exception("emulator failed on %s(%r)", method, params.values)
            return _reply(ApiError(500, f"Internal Server Error: emulator bug: {error!r}").envelope(), 500)
        return _reply({"ok": True, "result": result}, 200)

    def _take_fault(self, method: str, params: _Params) -> _Fault | None:
        for fault in self._faults:
            if fault.method != method:
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            return fault
        return None

    # ---- methods: bot & updates -------------------------------------------------------------------

    async def _true(self, p: _Params) -> bool:
        return True

    async def _get_me(self, p: _Params) -> dict[str, Any]:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    def _confirm(self, offset: int) -> None:
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        if offset > self.confirmed_offset:
            self.confirmed_offset = offset
            self.confirmations.append((offset, time.monotonic()))
            self._notify()

    async def _get_updates(self, p: _Params) -> list[dict[str, Any]]:
        offset, timeout = p.integer("offset", 0) or 0, max(p.integer("timeout", 0) or 0, 0)
        limit = min(max(p.integer("limit", 100) or 100, 1), 100)
        allowed = p.get("allowed_updates")
        if allowed is not None:
            self._allowed = set(allowed) or None
        if offset < 0:
            # "-N" means the last N updates; everything older is forgotten.
            kept = list(self._updates)[offset:]
            offset = kept[0]["update_id"] if kept else self._next_update_id
        self._confirm(offset)
        self._poll_token += 1
        token = self._poll_token
        self._last_poll = time.monotonic()
        self._notify()  # wakes an older long poll so it can step aside with 409

        def ready() -> bool:
            return bool(self._updates) or self._poll_token != token or self._closing

        await self._wait_until(ready, timeout)
        if self._poll_token != token:
            raise ApiError(409, CONFLICT)
        self._last_poll = time.monotonic()
        return [u for u in self._updates if u["update_id"] >= offset][:limit]

    async def _delete_webhook(self, p: _Params) -> bool:
        if p.flag("drop_pending_updates") and self._updates:
            self._confirm(self._updates[-1]["update_id"] + 1)
        return True

    async def _get_webhook_info(self, p: _Params) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _set_my_commands(self, p: _Params) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise ApiError.bad_request("parameter \"commands\" is required")
        if len(commands) > 100:
            raise ApiError.bad_request("too many commands specified")
        for c in commands:
            if not isinstance(c, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", "")).strip()) <= 256:
                raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (_scope_key(p.get("scope")), p.string("language_code") or "")
        self.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    async def _get_my_commands(self, p: _Params) -> list[dict[str, str]]:
        return self.commands.get((_scope_key(p.get("scope")), p.string("language_code") or ""), [])

    async def _delete_my_commands(self, p: _Params) -> bool:
        self.commands.pop((_scope_key(p.get("scope")), p.string("language_code") or ""), None)
        return True

    async def _answer_callback_query(self, p: _Params) -> bool:
        query_id = p.string("callback_query_id") or ""
        owner, answered = self._queries.get(query_id, (0, True))
        if answered:
            raise ApiError(400, QUERY_TOO_OLD)
        self._queries[query_id] = (owner, True)
        answer = CallbackAnswer(query_id, p.string("text"), p.flag("show_alert"), p.string("url"),
                                p.integer("cache_time", 0) or 0)
        self._chats[owner].callback_answers.append(answer)
        self._emit("callback_answer", owner, answer.__dict__.copy())
        return True

    async def _get_file(self, p: _Params) -> dict[str, Any]:
        stored = self.files.get(p.string("file_id") or "")
        if stored is None:
            raise ApiError.bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise ApiError.bad_request("file is too big")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data), "file_path": stored.file_path}

    # ---- methods: messages ------------------------------------------------------------------------

    def _target_chat(self, p: _Params) -> _Chat:
        raw = p.get("chat_id")
        if raw is None:
            raise ApiError.bad_request("chat_id is empty")
        try:
            chat = self._chats.get(int(raw))
        except (TypeError, ValueError):
            chat = None
        if chat is None:
            raise ApiError.bad_request("chat not found")
        if chat.blocked:
            raise ApiError.blocked()
        return chat

    def _formatted(self, p: _Params, key: str, entities_key: str, limit: int, too_long: str
                   ) -> tuple[str, list[dict[str, Any]]]:
        raw = p.string(key) or ""
        entities = p.get(entities_key)
        parse_mode = (p.string("parse_mode") or "").lower()
        if isinstance(entities, list):
            text = raw
        elif parse_mode == "html":
            try:
                text, entities = parse_html(raw)
            except HtmlParseError as error:
                raise ApiError.bad_request(f"can't parse entities: {error}") from None
        elif parse_mode:
            raise ApiError.bad_request(f"the emulator supports only parse_mode HTML, not {parse_mode!r}")
        else:
            text, entities = raw, []
        text, entities = trim_text(text, entities)
        if utf16_len(text) > limit:
            raise ApiError.bad_request(too_long)
        return text, entities

    def _reply_to(self, p: _Params, chat: _Chat) -> int | None:
        params = p.get("reply_parameters")
        reply_id = params.get("message_id") if isinstance(params, dict) else p.integer("reply_to_message_id")
        if reply_id is None:
            return None
        reply_id = int(reply_id)
        if reply_id in chat.by_id:
            return reply_id
        allow = params.get("allow_sending_without_reply") if isinstance(params, dict) \
            else p.flag("allow_sending_without_reply")
        if allow:
            return None
        raise ApiError.bad_request("message to be replied not found")

    async def _send_message(self, p: _Params) -> dict[str, Any]:
        if p.get("chat_id") is None:
            raise ApiError.bad_request("chat_id is empty")
        text, entities = self._formatted(p, "text", "entities", MAX_TEXT, "message is too long")
        if not text:
            raise ApiError.bad_request("message text is empty")
        return self._deliver(p, "text", text, entities, p.string("text"))

    async def _send_photo(self, p: _Params) -> dict[str, Any]:
        return self._send_media(p, "photo")

    async def _send_document(self, p: _Params) -> dict[str, Any]:
        return self._send_media(p, "document")

    def _send_media(self, p: _Params, kind: str) -> dict[str, Any]:
        if p.get("chat_id") is None:
            raise ApiError.bad_request("chat_id is empty")
        source = p.file(kind)
        if source is None:
            raise ApiError.bad_request(f"there is no {kind} in the request")
        caption, entities = self._formatted(p, "caption", "caption_entities", MAX_CAPTION,
                                            "message caption is too long")
        if isinstance(source, UploadedFile):
            stored = self._store_file(kind, source.data, source.filename,
                                      None if source.content_type == "application/octet-stream"
                                      else source.content_type)
        else:
            known = self.files.get(str(source))
            if known is None:
                raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
            if known.kind != kind:
                raise ApiError.bad_request(f"can't use file of type {known.kind.title()} as {kind.title()}")
            stored = self._file_set(known.file_id)
        return self._deliver(p, kind, caption, entities, p.string("caption"), stored)

    def _deliver(self, p: _Params, kind: str, text: str, entities: list[dict[str, Any]], html: str | None,
                 stored: list[StoredFile] | None = None) -> dict[str, Any]:
        markup = _check_markup(p.get("reply_markup"))
        chat = self._target_chat(p)
        reply_to = self._reply_to(p, chat)
        main = stored[-1] if stored else None
        message = BotMessage(chat.id, chat.take_id(), kind, text, html, entities, int(time.time()), markup,
                             main.file_id if main else None, main.file_name if main else None,
                             main.mime_type if main else None, reply_to)
        if markup and ("keyboard" in markup or "remove_keyboard" in markup):
            chat.reply_keyboard = markup if "keyboard" in markup else None
        chat.bot_messages.append(message)
        chat.by_id[message.message_id] = message
        result = self._message_dict(message)
        message.seq = self._emit("message", chat.id, result)
        return result

    async def _send_chat_action(self, p: _Params) -> bool:
        chat = self._target_chat(p)
        action = p.string("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError.bad_request("wrong parameter action in request")
        chat.chat_actions.append(action)
        self._emit("chat_action", chat.id, {"action": action})
        return True

    def _editable(self, p: _Params) -> tuple[_Chat, BotMessage]:
        if p.get("inline_message_id") is not None:
            raise ApiError.bad_request("the emulator does not support inline messages")
        chat = self._target_chat(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise ApiError.bad_request("message identifier is not specified")
        message = chat.by_id.get(message_id)
        if message is None or (isinstance(message, BotMessage) and message.deleted):
            raise ApiError.bad_request("message to edit not found")
        if not isinstance(message, BotMessage):
            raise ApiError.bad_request("message can't be edited")
        return chat, message

    def _apply_edit(self, message: BotMessage, text: str | None, entities: list[dict[str, Any]] | None,
                    html: str | None, markup: dict[str, Any] | None) -> dict[str, Any]:
        if markup is not None and "inline_keyboard" not in markup:
            raise ApiError.bad_request("inline keyboard expected")
        same_text = text is None or (text == message.text and entities == message.entities)
        new_keyboard = (markup or {}).get("inline_keyboard") or []
        if same_text and new_keyboard == message.inline_keyboard:
            raise ApiError(400, NOT_MODIFIED)
        if text is not None and not same_text:
            message.edits.append(message.text)
            message.text, message.entities, message.html = text, entities or [], html
        if markup is not None or message.inline_keyboard:
            # Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
            message.reply_markup = markup
        message.edit_date = int(time.time())
        result = self._message_dict(message)
        message.seq = self._emit("edit", message.chat_id, result)
        return result

    async def _edit_message_text(self, p: _Params) -> dict[str, Any]:
        text, entities = self._formatted(p, "text", "entities", MAX_TEXT, "message is too long")
        if not text:
            raise ApiError.bad_request("message text is empty")
        markup = _check_markup(p.get("reply_markup"))
        _, message = self._editable(p)
        if message.kind != "text":
            raise ApiError.bad_request("there is no text in the message to edit")
        return self._apply_edit(message, text, entities, p.string("text"), markup)

    async def _edit_message_caption(self, p: _Params) -> dict[str, Any]:
        caption, entities = self._formatted(p, "caption", "caption_entities", MAX_CAPTION,
                                            "message caption is too long")
        markup = _check_markup(p.get("reply_markup"))
        _, message = self._editable(p)
        if message.kind == "text":
            raise ApiError.bad_request("there is no caption in the message to edit")
        return self._apply_edit(message, caption, entities, p.string("caption"), markup)

    async def _edit_message_reply_markup(self, p: _Params) -> dict[str, Any]:
        markup = _check_markup(p.get("reply_markup"))
        _, message = self._editable(p)
        return self._apply_edit(message, None, None, None, markup)

    async def _delete_message(self, p: _Params) -> bool:
        chat = self._target_chat(p)
        message = chat.by_id.pop(p.integer("message_id") or 0, None)
        if message is None:
            raise ApiError.bad_request("message to delete not found")
        if isinstance(message, BotMessage):
            message.deleted = True
            message.seq = self._emit("delete", chat.id, {"message_id": message.message_id})
        return True


# ---- helpers ----------------------------------------------------------------------------------

def _reply(body: dict[str, Any], status: int) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


async def _read_params(request: web.Request) -> _Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    try:
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            if not isinstance(body, dict):
                raise ApiError.bad_request("can't parse request JSON object")
            values.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    values[key] = value
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    except ValueError:
        raise ApiError.bad_request("can't parse request JSON object") from None
    for key in _JSON_FIELDS & values.keys():
        if isinstance(values[key], str):
            try:
                values[key] = json.loads(values[key])
            except ValueError:
                raise ApiError.bad_request(f"can't parse {key} JSON object") from None
    return _Params(values, files)


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram and return it normalised (buttons as dicts)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError.bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
        return {"inline_keyboard": [[_check_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError.bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
        buttons = [[b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows]
        if any(not str(b.get("text", "")).strip() for row in buttons for b in row):
            raise ApiError.bad_request("keyboard button text must be non-empty")
        return {**markup, "keyboard": buttons}
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


_BUTTON_KINDS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query",
                 "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                 "callback_game", "pay")


def _check_inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise ApiError.bad_request("can't parse inline keyboard button: Text must be non-empty")
    kinds = [k for k in _BUTTON_KINDS if k in button]
    if not kinds:
        raise ApiError.bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if len(kinds) > 1:
        raise ApiError.bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not re.match(r"(?i)(https?|tg)://\S+$", str(button["url"])):
        raise ApiError.bad_request(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")
    return {"text": button["text"], **{k: button[k] for k in kinds}}
