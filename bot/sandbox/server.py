"""The sandbox page and its JSON API: people, chats, sending, files, the clock, and live emulator events."""
from __future__ import annotations

import json
import logging
import math
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.emulator import BotApiEmulator, FakeUser
from bot.emulator.http import is_local_host
from bot.sandbox.control import Person, SandboxControl
from bot.sandbox.texts import page_texts
from bot.sandbox.view import ChatView
from program.i18n import format_day, normalize_language, translator
from program.quiet_hours import next_send_time
from program.roles import ROLE_LABELS

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
UPLOAD_LIMIT_MB = 20  # what a Telegram bot can download, and what a growth log accepts per file
TEXT_LIMIT = 4096
SEND_TIMEOUT = 20.0  # seconds the bot gets to handle one action before the page is told it failed
POLL_TIMEOUT = 20.0
MAX_JUMP_DAYS = 3660
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
                (b"GIF89a", "image/gif"))
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def image_type(data: bytes) -> str | None:
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


@web.middleware
async def _guard(request: web.Request, handler):
    """Loopback only, no DNS rebinding, and no cross-site form posts: the sandbox has no login."""
    if not is_local_host(request.host):
        return _error(403, "the sandbox answers only on 127.0.0.1")
    if request.method not in ("GET", "HEAD") and request.headers.get("X-Sandbox") != "1":
        return _error(403, "missing X-Sandbox header")
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class SandboxServer:
    """The aiohttp application of the page: it shows the emulator's chats and acts as the people through it."""

    def __init__(self, control: SandboxControl, emu: BotApiEmulator) -> None:
        self.control = control
        self.emu = emu
        self.view = ChatView(emu)
        self._phones: dict[int, FakeUser] = {}

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[_guard], client_max_size=(UPLOAD_LIMIT_MB + 1) * 1024 * 1024)
        app.router.add_get("/", self.index)
        app.router.add_static("/static", STATIC, show_index=False, follow_symlinks=False)
        app.router.add_get("/api/texts", self.texts)
        app.router.add_get("/api/state", self.state)
        app.router.add_get("/api/people", self.people)
        app.router.add_get("/api/chats/{user_id:\\d+}", self.chat)
        app.router.add_post("/api/chats/{user_id:\\d+}/send", self.send)
        app.router.add_post("/api/chats/{user_id:\\d+}/press", self.press)
        app.router.add_post("/api/chats/{user_id:\\d+}/upload", self.upload)
        app.router.add_post("/api/chats/{user_id:\\d+}/channel", self.switch_channel)
        app.router.add_get("/api/files/{file_id}", self.file)
        app.router.add_get("/api/events", self.events)
        app.router.add_get("/api/clock", self.get_clock)
        app.router.add_post("/api/clock", self.set_clock)
        return app

    # ---- page -------------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        response = web.FileResponse(STATIC / "index.html")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Cache-Control"] = "no-cache"
        return response

    async def texts(self, request: web.Request) -> web.Response:
        language = normalize_language(request.query.get("lang"))
        return _json({"lang": language, "texts": page_texts(language)})

    async def state(self, request: web.Request) -> web.Response:
        language = normalize_language(request.query.get("lang"))
        control, bot = self.control, self.emu.bot_user
        return _json({"boot": control.boot, "seq": self.emu.seq,
                      "bot": {"name": bot["first_name"], "username": bot["username"]},
                      "engine": control.engine, "database": control.database_label,
                      "upload_limit_mb": UPLOAD_LIMIT_MB, "clock": self.clock_info(language),
                      "people": await self.list_people(language)})

    async def people(self, request: web.Request) -> web.Response:
        return _json(await self.list_people(normalize_language(request.query.get("lang"))))

    async def list_people(self, language: str) -> list[dict[str, Any]]:
        t = translator(language)
        separator = "、" if language == "zh_CN" else ", "

        def entry(person: Person) -> dict[str, Any]:
            return {"id": person.user_id, "name": person.name,
                    "role": person.roles[0].value if person.roles else "",
                    "roles": [r.value for r in person.roles],
                    "role_label": separator.join(t.raw(ROLE_LABELS[r]) for r in person.roles),
                    "school": person.school, "detail": " · ".join(v for v in (person.subject, person.grade) if v)}

        return [entry(person) for person in await self.control.people()]

    # ---- chats ------------------------------------------------------------------------------------

    async def _user(self, request: web.Request) -> FakeUser:
        """The phone of the person in the URL; 404 for anybody not in the sandbox."""
        user_id = int(request.match_info["user_id"])
        phone = self._phones.get(user_id)
        if phone is None:
            person = await self.control.person(user_id)
            if person is None:
                raise web.HTTPNotFound(text=json.dumps({"error": "no such person in the sandbox"}),
                                       content_type="application/json")
            phone = self.emu.user(user_id, first_name=person.name, language_code=person.language or "zh-hans")
            self._phones[user_id] = phone
        return phone

    async def _dingtalk(self, request: web.Request) -> Any:
        """The person's DingTalk phone when they are switched to 钉钉, else None."""
        user = await self._user(request)
        if await self.control.channel_of(user.id) != "dingtalk":
            return None
        return self.control.dingtalk.phone(user.id, user.info["first_name"])

    async def switch_channel(self, request: web.Request) -> web.Response:
        user = await self._user(request)
        channel = (await self._body(request)).get("channel")
        if channel not in ("telegram", "dingtalk"):
            return _error(400, "channel is telegram or dingtalk")
        await self.control.switch_channel(user.id, channel)
        return await self.chat(request)

    async def chat(self, request: web.Request) -> web.Response:
        user = await self._user(request)
        if await self._dingtalk(request) is not None:
            return _json({"id": user.id, "seq": self.emu.seq, "channel": "dingtalk", "keyboard": None,
                          "messages": self.control.dingtalk.messages(user.id)})
        seq = self.emu.seq
        messages = [self.view.bot_message(m) for m in user.messages]
        messages += [self.view.user_message(e) for e in list(self.emu.events)
                     if e.kind == "update" and e.chat_id == user.id and "message" in e.data]
        messages.sort(key=lambda m: m["id"])
        if user.reply_keyboard is None and not any(m["from"] == "user" for m in messages):
            # A chat opened for the first time since the sandbox started: like pressing START on Telegram.
            await user.send_command("start", wait=False)
        return _json({"id": user.id, "seq": seq, "channel": "telegram", "messages": messages,
                      "keyboard": user.reply_keyboard})

    async def _act(self, action) -> web.Response:
        try:
            update_id = await action
        except LookupError as error:
            return _error(404, str(error))
        except TimeoutError as error:
            log.warning("sandbox action timed out: %s", error)
            return _error(504, "the bot did not answer in time")
        return _json({"ok": True, "update_id": update_id, "seq": self.emu.seq})

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text='{"error": "expected a JSON object"}', content_type="application/json") \
                from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text='{"error": "expected a JSON object"}', content_type="application/json")
        return body

    async def send(self, request: web.Request) -> web.Response:
        user = await self._user(request)
        text = (await self._body(request)).get("text")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "the message is empty")
        if len(text) > TEXT_LIMIT:
            return _error(400, f"a message can be at most {TEXT_LIMIT} characters")
        if (ding := await self._dingtalk(request)) is not None:
            return await self._act(ding.send_text(text, timeout=SEND_TIMEOUT))
        return await self._act(user.send_text(text, timeout=SEND_TIMEOUT))

    async def press(self, request: web.Request) -> web.Response:
        user = await self._user(request)
        body = await self._body(request)
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str) or not data:
            return _error(400, "message_id (a number) and data (text) are required")
        if (ding := await self._dingtalk(request)) is not None:  # a DingTalk link sends its text
            return await self._act(ding.send_text(data[:TEXT_LIMIT], timeout=SEND_TIMEOUT))
        return await self._act(user.press(callback_data=data, message_id=message_id, timeout=SEND_TIMEOUT))

    async def upload(self, request: web.Request) -> web.Response:
        user = await self._user(request)
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"files can be at most {UPLOAD_LIMIT_MB} MB")
        field = form.get("file")
        if not isinstance(field, web.FileField):
            return _error(400, "no file in the upload")
        data = field.file.read(UPLOAD_LIMIT_MB * 1024 * 1024 + 1)
        if len(data) > UPLOAD_LIMIT_MB * 1024 * 1024:
            return _error(413, f"files can be at most {UPLOAD_LIMIT_MB} MB")
        if not data:
            return _error(400, "the file is empty")
        raw_caption = form.get("caption")
        caption = (raw_caption.strip()[:1024] or None) if isinstance(raw_caption, str) else None
        as_photo = form.get("as") == "photo" and image_type(data) is not None
        if (ding := await self._dingtalk(request)) is not None:
            name = Path(field.filename or "file").name[:200] or "file"
            return await self._act(ding.send_photo(data) if as_photo else ding.send_document(data, name))
        if as_photo:
            action = user.send_photo(data, caption, timeout=SEND_TIMEOUT)
        else:
            name = Path(field.filename or "file").name[:200] or "file"
            mime = field.content_type if field.content_type and field.content_type != "application/octet-stream" \
                else None
            action = user.send_document(data, name, mime, caption, timeout=SEND_TIMEOUT)
        response = await self._act(action)
        self.control.files_changed()
        return response

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.emu.files.get(request.match_info["file_id"])
        if stored is None:
            return _error(404, "no such file")
        mime = image_type(stored.data)
        headers = {"Cache-Control": "private, max-age=3600"}
        if stored.kind == "photo" and mime:
            return web.Response(body=stored.data, content_type=mime, headers=headers)
        name = stored.file_name or Path(stored.file_path).name
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return web.Response(body=stored.data, content_type="application/octet-stream", headers=headers)

    # ---- live events --------------------------------------------------------------------------------

    async def events(self, request: web.Request) -> web.Response:
        try:
            after = int(request.query.get("after", "0"))
            timeout = float(request.query.get("timeout", POLL_TIMEOUT))
        except ValueError:
            return _error(400, "after and timeout must be numbers")
        if not math.isfinite(timeout):  # nan slips through min() and max(), and would hold the poll forever
            return _error(400, "timeout must be a finite number of seconds")
        timeout = min(max(timeout, 0.0), POLL_TIMEOUT)
        emu = self.emu
        base = {"boot": self.control.boot}
        oldest = emu.events[0].seq if emu.events else emu.seq + 1
        if after > emu.seq or (after < oldest - 1 and emu.seq > 0):
            return _json({**base, "reset": True, "seq": emu.seq, "events": []})
        found = await emu.wait_event(after, timeout)
        events = [e for e in (self.view.event(e) for e in found) if e is not None]
        return _json({**base, "seq": found[-1].seq if found else after, "events": events})

    # ---- the clock ----------------------------------------------------------------------------------

    def clock_info(self, language: str) -> dict[str, Any]:
        zone = self.control.zone
        now = self.control.now().astimezone(zone)
        offset = now - datetime.now(UTC)
        wake = next_send_time(now, zone).astimezone(zone)
        return {"iso": now.isoformat(), "date": now.date().isoformat(), "time": now.strftime("%H:%M"),
                "display": f"{format_day(now.date(), language, year=True)} {now:%H:%M}",
                "offset_seconds": round(offset.total_seconds()), "zone": str(zone),
                "quiet_until": wake.strftime("%H:%M") if wake != now else None}

    async def get_clock(self, request: web.Request) -> web.Response:
        return _json(self.clock_info(normalize_language(request.query.get("lang"))))

    async def set_clock(self, request: web.Request) -> web.Response:
        """Back to real time (`real`), a jump by whole `days`, or to a `date` and `time` in the program's zone."""
        body = await self._body(request)
        moment: datetime | None = None
        try:
            if body.get("real"):
                moment = None
            elif "days" in body:
                days = body["days"]
                if not isinstance(days, int) or abs(days) > MAX_JUMP_DAYS:
                    raise ValueError(f"days must be a whole number up to {MAX_JUMP_DAYS}")
                moment = self.control.now() + timedelta(days=days)
            else:
                day = date.fromisoformat(str(body.get("date", "")))
                at = time.fromisoformat(str(body.get("time") or "09:00"))
                if abs((day - date.today()).days) > MAX_JUMP_DAYS:
                    raise ValueError("that date is too far away")
                moment = datetime.combine(day, at.replace(tzinfo=None), self.control.zone)
        except ValueError as error:
            return _error(400, f"cannot move the clock: {error}")
        await self.control.set_clock(moment)
        return _json(self.clock_info(normalize_language(request.query.get("lang") or body.get("lang"))))
