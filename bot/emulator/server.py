"""The fake Telegram Bot API server: the world, the Bot API methods and injected faults, served over aiohttp."""

from __future__ import annotations

import collections
import json
import logging
import time
from typing import Any, Self

from aiohttp import web

from .errors import ApiError
from .files import FileStore
from .http import Faults, drop_connection, refuse_browsers, serve_loopback
from .limits import RateLimits
from .methods import BOT_API
from .methods.bot import scope_key
from .model import BotMessage, Call, Event
from .params import MethodSet, read_params
from .user import FakeUser
from .webhook import WebhookSender
from .world import World

__all__ = ["BotApiEmulator"]

log = logging.getLogger(__name__)

MAX_UPLOAD = 50 * 1024 * 1024  # what a bot may upload


def _reply(body: dict[str, Any], status: int) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _refuse(status: int, description: str) -> web.Response:
    return _reply(ApiError(status, description).envelope(), status)


class BotApiEmulator:
    """Fake Bot API: point aiogram/ptb at `url`, drive users with `user()`, inspect state, inject faults.

    `world` holds the chats, messages, files and updates; `faults` the failures to inject (also through
    `fail_next`, `drop_next`, `set_latency` and `block`). With `browser_guard`, as in the sandbox, requests
    from web pages or to foreign host names are refused.
    """

    def __init__(self, token: str = "123:ABC", bot_id: int = 123, bot_username: str = "yingcai_test_bot",
                 bot_first_name: str = "英才计划助手", *, methods: MethodSet = BOT_API,
                 browser_guard: bool = False) -> None:
        self.token = token
        self.world = World({"id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username})
        self.methods = methods
        self.faults: Faults[ApiError] = Faults(long_polls=("getUpdates",))
        self.limits: RateLimits | None = None  # Telegram's sending limits, when limit_rate() asks for them
        self.browser_guard = browser_guard
        self.url: str | None = None
        self.calls: list[Call] = []
        self._users: dict[int, FakeUser] = {}
        self._runner: web.AppRunner | None = None

    # ---- lifecycle -------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        middlewares = [refuse_browsers(_refuse)] if self.browser_guard else []
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024, middlewares=middlewares)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self.world.events.reopen()
        self._runner, self.url = await serve_loopback(app, host, port)
        return self.url

    async def stop(self) -> None:
        self.world.events.close()  # lets pending long polls return at once instead of holding shutdown
        await self.world.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- people -----------------------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Test", language_code: str | None = "zh-hans",
             username: str | None = None, last_name: str | None = None) -> FakeUser:
        """The person with this Telegram id and their phone (the same one when asked again)."""
        if user_id not in self._users:
            chat = self.world.add_user(user_id, first_name, language_code, username, last_name)
            self._users[user_id] = FakeUser(self.world, chat)
        return self._users[user_id]

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        return self.world.chat(chat_id).messages

    def block(self, user_id: int, *, announce: bool = True) -> int | None:
        """The user blocks the bot: every send to them answers 403 until `unblock`.

        Like Telegram, the bot gets a my_chat_member update (its id is returned) unless `announce` is off.
        """
        return self.world.user_blocks(self.world.chat(user_id), True, announce=announce)

    def unblock(self, user_id: int, *, announce: bool = True) -> int | None:
        return self.world.user_blocks(self.world.chat(user_id), False, announce=announce)

    def limit_rate(self, per_second: float | None = 30, per_chat_interval: float | None = 1.0,
                   retry_after: int = 1) -> RateLimits:
        """Answer sends above Telegram's limits (overall per second, one per chat per interval) with 429."""
        self.limits = RateLimits(per_second, per_chat_interval, retry_after)
        return self.limits

    @property
    def flood_refusals(self) -> int:
        return self.limits.refused if self.limits else 0

    # ---- faults -----------------------------------------------------------------------------------

    def fail_next(self, method: str, error_code: int = 429, description: str | None = None,
                  retry_after: int | None = None, times: int = 1, chat_id: int | None = None, *,
                  error: ApiError | None = None) -> None:
        """Answer the next `times` calls of `method` (optionally only for one chat) with an error."""
        error = error or ApiError.of_status(error_code, description, retry_after)
        self.faults.fail_next(self.methods.canonical(method), error, times, _target(chat_id))

    def drop_next(self, method: str, times: int = 1, chat_id: int | None = None) -> None:
        """Close the connection without answering, as a network failure would."""
        self.faults.drop_next(self.methods.canonical(method), times, _target(chat_id))

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay answers to `method` (all methods but getUpdates when None) to simulate a slow API."""
        self.faults.set_latency(seconds, self.methods.canonical(method) if method else None)

    # ---- inspecting -------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        method = self.methods.canonical(method)
        return [c.params for c in self.calls if c.method == method]

    def get_commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, str]]:
        return self.world.commands.get((scope_key(scope), language_code), [])

    @property
    def bot_user(self) -> dict[str, Any]:
        return self.world.bot_user

    @property
    def files(self) -> FileStore:
        return self.world.files

    @property
    def seq(self) -> int:
        return self.world.events.seq

    @property
    def events(self) -> collections.deque[Event]:
        return self.world.events.events

    def events_since(self, after_seq: int) -> list[Event]:
        return self.world.events.since(after_seq)

    async def wait_event(self, after_seq: int, timeout: float = 25.0) -> list[Event]:
        """Long-poll primitive: events newer than after_seq, or [] once timeout passes."""
        return await self.world.events.wait_after(after_seq, timeout)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return self.world.updates.pending

    @property
    def confirmed_offset(self) -> int:
        return self.world.updates.confirmed_offset

    @property
    def confirmations(self) -> list[tuple[int, float]]:
        return self.world.updates.confirmations

    async def wait_confirmed(self, update_id: int, timeout: float = 5.0) -> None:
        await self.world.updates.wait_confirmed(update_id, timeout)

    @property
    def webhook(self) -> WebhookSender:
        """Where updates are POSTed once the bot called setWebhook, and what it answered each time."""
        return self.world.webhook

    # ---- HTTP -------------------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return _refuse(404, "Not Found")

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _refuse(401, "Unauthorized")
        stored = self.world.files.at_path(request.match_info["path"])
        if stored is None:
            return _refuse(404, "Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = self.methods.canonical(request.match_info["method"])
        try:
            params = await read_params(request)
        except ApiError as error:
            return _reply(error.envelope(), error.error_code)
        self.calls.append(Call(method, {**params.values, **params.files}, time.monotonic()))
        if request.match_info["token"] != self.token:
            return _refuse(401, "Unauthorized")
        handler = self.methods.find(method)
        if handler is None:
            return _refuse(404, "Not Found")
        fault = self.faults.take(method, _target(params.get("chat_id")))
        if fault is not None and fault.drops:
            return drop_connection(request)
        if fault is None and self.limits is not None and \
                (flood := self.limits.refuse(method, _target(params.get("chat_id")))) is not None:
            return _reply(flood.envelope(), 429)
        await self.faults.slow_down(method)
        try:
            if fault is not None and fault.error is not None:
                raise fault.error
            result = await handler(self.world, params)
        except ApiError as error:
            return _reply(error.envelope(), error.error_code)
        except Exception as error:  # keep the JSON envelope, but log loudly: this is an emulator bug
            log.exception("emulator failed on %s(%r)", method, params.values)
            return _refuse(500, f"Internal Server Error: emulator bug: {error!r}")
        return _reply({"ok": True, "result": result}, 200)


def _target(chat_id: Any) -> str | None:
    return None if chat_id is None else str(chat_id)
