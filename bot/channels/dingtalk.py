"""The DingTalk channel: Stream mode in (one outbound WebSocket), markdown out through the robot's OpenAPI.

Protocol facts and where they come from are in README "Running on DingTalk"; what no public material
says is marked "undocumented" below. The HTTP calls are made here with aiohttp: the dingtalk-stream SDK
reads DINGTALK_OPENAPI_ENDPOINT at import and replies with blocking `requests`.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from typing import Any
from urllib.parse import quote_plus

import aiohttp

from bot.channels.dingtalk_render import content_of, render, safe
from bot.channels.telegram_common import parse_command
from handlers.engine import Engine
from handlers.kit import SHOWN_SCREENS, Button, FileRef, Incoming, Reply, Screen
from program.i18n import N_, translator
from scheduler.delivery import PartlySent, RecipientBlocked, RetryLater
from storage import people, plumbing

log = logging.getLogger(__name__)

BOT_TOPIC = "/v1.0/im/bot/messages/get"
MAX_BATCH = 20  # userIds per batchSend call (documented)
FLOW_CONTROL_WAIT = 60.0  # undocumented: how long a flow-controlled user should wait
DISCONNECT_GRACE = 10.0  # the server closes a socket 10 s after its disconnect frame (documented)
WEBHOOK_MARGIN = 60.0  # seconds: a session webhook this close to expiry is not trusted
_BIND = re.compile(r"^(?:绑定|綁定)\s*(\S+)$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{32}$")  # exactly an invite code (program.invites.new_code)


class DingTalkError(Exception):
    """DingTalk refused a call in a way that retrying soon will not fix."""


def _after(part: int, error: Exception) -> Exception:
    """A failure at this part of a notice: after the first, the parts before it are out and are not sent again."""
    return PartlySent(part, error) if part else error


def _update_id(message_id: str) -> int:
    """msgId is a string; the engine de-duplicates 63-bit numbers."""
    return int.from_bytes(hashlib.sha256(message_id.encode()).digest()[:8], "big") & (2 ** 63 - 1)


class DingTalkChannel:
    name = "dingtalk"
    max_batch = MAX_BATCH

    def __init__(self, *, client_id: str, client_secret: str, robot_code: str | None, endpoint: str,
                 engine: Engine, heartbeat: float = 60.0) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.robot_code = robot_code or client_id
        self.endpoint = endpoint.rstrip("/")
        self.engine, self.heartbeat = engine, heartbeat
        self.update_scope = f"dingtalk:{client_id}"
        self.http: aiohttp.ClientSession | None = None
        self._token: tuple[str, float] | None = None
        self._numbers: dict[str, int] = {}
        self._keys: dict[int, str] = {}
        self._lanes: dict[str, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(100)
        self._retiring: set[asyncio.Task] = set()

    async def start(self) -> None:
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        await self._access_token()  # wrong credentials stop the start-up with a clear error

    async def close(self) -> None:
        if self._retiring:
            await asyncio.wait(self._retiring, timeout=DISCONNECT_GRACE)
        if self.http is not None:
            await self.http.close()

    # ---- Stream mode -------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                opened = await self._post(f"{self.endpoint}/v1.0/gateway/connections/open", {
                    "clientId": self.client_id, "clientSecret": self.client_secret, "ua": "yingcai-bot/1.0",
                    "subscriptions": [{"type": "CALLBACK", "topic": BOT_TOPIC}]})
                # A ticket opens one connection within 90 s: used at once, never stored.
                assert self.http is not None
                ws = await self.http.ws_connect(f"{opened['endpoint']}?ticket={quote_plus(opened['ticket'])}",
                                                heartbeat=self.heartbeat)
            except (aiohttp.ClientError, asyncio.TimeoutError, DingTalkError, KeyError, OSError) as error:
                failures += 1
                delay = min(60.0, 0.5 * 2 ** min(failures, 7))
                log.warning("DingTalk stream connection failed (%s); retrying in %.1fs", error, delay)
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                continue
            failures = 0
            tasks = await self._serve(ws, stop)
            retiring = asyncio.create_task(self._retire(ws, tasks))  # finishes, ACKs, then closes the old socket
            self._retiring.add(retiring)
            retiring.add_done_callback(self._retiring.discard)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse, stop: asyncio.Event) -> set[asyncio.Task]:
        """Reads frames until a disconnect frame, a closed socket or a stop; returns what is still being handled."""
        tasks: set[asyncio.Task] = set()
        while True:
            receiving, stopping = asyncio.ensure_future(ws.receive()), asyncio.ensure_future(stop.wait())
            await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not receiving.done():
                receiving.cancel()
                return tasks
            message = receiving.result()
            if message.type != aiohttp.WSMsgType.TEXT:
                log.info("DingTalk stream socket closed (%s); reconnecting", message.type.name)
                return tasks
            frame = json.loads(message.data)
            kind, topic = frame.get("type"), frame.get("headers", {}).get("topic")
            if kind == "SYSTEM" and topic == "ping":
                await self._ack(ws, frame, 200, json.loads(frame.get("data") or "{}"))  # echoes the opaque
            elif kind == "SYSTEM" and topic == "disconnect":
                log.info("DingTalk asked to reconnect: %s", frame.get("data"))
                return tasks
            elif kind == "CALLBACK" and topic == BOT_TOPIC:
                task = asyncio.create_task(self._handle(ws, frame))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            else:
                await self._ack(ws, frame, 404, {"response": None})

    async def _retire(self, ws: aiohttp.ClientWebSocketResponse, tasks: set[asyncio.Task]) -> None:
        if tasks:
            await asyncio.wait(tasks, timeout=DISCONNECT_GRACE)
        await ws.close()

    async def _ack(self, ws: aiohttp.ClientWebSocketResponse, frame: dict[str, Any], code: int, data: Any) -> None:
        ack = {"code": code, "message": "OK" if code == 200 else "error", "data": json.dumps(data),
               "headers": {"messageId": frame.get("headers", {}).get("messageId"), "contentType": "application/json"}}
        try:
            await ws.send_str(json.dumps(ack))
        except (ConnectionError, RuntimeError) as error:  # the socket went away: the message comes again
            log.info("could not ACK %s (%s)", ack["headers"]["messageId"], error)

    async def _handle(self, ws: aiohttp.ClientWebSocketResponse, frame: dict[str, Any]) -> None:
        data = json.loads(frame.get("data") or "{}")
        lane = self._lanes.setdefault(str(data.get("senderStaffId")), asyncio.Lock())
        code = 200
        async with self._slots, lane:  # one user's messages in order; different users in parallel
            try:
                incoming = await self._incoming(data)
                if incoming is not None:
                    await self._show(data, await self.engine.handle(incoming))
            except Exception:
                log.exception("DingTalk message %s could not be handled", data.get("msgId"))
                code = 500
        await self._ack(ws, frame, code, {"response": None})

    # ---- messages in ---------------------------------------------------------------------------------

    async def _incoming(self, data: dict[str, Any]) -> Incoming | None:
        if data.get("conversationType") != "1" or not data.get("senderStaffId") or not data.get("msgId"):
            return None  # group chats and people outside the organisation are not served
        corp = data.get("senderCorpId") or data.get("chatbotCorpId") or ""
        number = await self._number(f"{corp}:{data['senderStaffId']}")
        text, files = content_of(data)
        command = parse_command(text) if text else None
        if command is None and text and ((bind := _BIND.match(text.strip())) or _CODE.match(text.strip())):
            command = ("start", bind[1] if bind else text.strip())
        return Incoming(user_id=number, chat_id=number, language=None, text=None if command else text,
                        command=command[0] if command else None, argument=command[1] if command else None,
                        files=files, update_id=_update_id(data["msgId"]), channel=self.name,
                        update_scope=self.update_scope, buttons_as_text=True)

    async def _number(self, key: str) -> int:
        if key not in self._numbers:
            async with self.engine.services.sessions() as session, session.begin():
                number = await people.number_for(session, self.name, key, self.engine.services.clock.now())
            self._numbers[key], self._keys[number] = number, key
        return self._numbers[key]

    async def _staff_id(self, number: int) -> str | None:
        if number not in self._keys:
            async with self.engine.services.sessions() as session:
                key = await people.key_for(session, self.name, number)
            if key is None:
                return None
            self._keys[number], self._numbers[key] = key, number
        return self._keys[number].split(":", 1)[1]

    # ---- messages out --------------------------------------------------------------------------------

    async def _show(self, data: dict[str, Any], reply: Reply) -> None:
        staff_id = data["senderStaffId"]
        webhook, expires = data.get("sessionWebhook"), float(data.get("sessionWebhookExpiredTime") or 0) / 1000
        screens = list(reply.screens)
        if reply.toast and not any(reply.toast in s.text for s in screens):
            screens.insert(0, Screen(reply.toast))  # no pop-up notes here: the note becomes a line
        for screen in screens:
            if screen.upload is not None:  # no media upload through the robot API yet: say where to get it
                note = translator(None)(N_("📎 %(name)s: a file the bot makes cannot be sent on DingTalk yet; get it "
                                           "on Telegram or from the command line."), name=screen.upload.name)
                screen = Screen(f"{screen.text}\n{note}".strip(), screen.buttons, menu=screen.menu)
            for title, markdown in render(screen, await self._attachment(screen.attachment)):
                if webhook and expires - WEBHOOK_MARGIN > time.time() and await self._via_webhook(webhook, title,
                                                                                                  markdown):
                    continue
                await self._batch([staff_id], title, markdown)  # the webhook expired (about 90 minutes) or failed

    async def _via_webhook(self, url: str, title: str, markdown: str) -> bool:
        assert self.http is not None
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
        try:
            async with self.http.post(url, json=body) as response:
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            log.info("session webhook failed (%s); sending through the OpenAPI", error)
            return False
        # The webhook's answer is undocumented; the custom robot webhook answers {"errcode": 0} on success.
        return response.status == 200 and isinstance(answer, dict) and answer.get("errcode", 0) == 0

    async def _attachment(self, file: FileRef | None) -> str:
        if file is None:
            return ""
        name = file.file_name or ("照片" if file.kind == "photo" else "文件")
        if not file.file_id.startswith("dt:"):
            return f"📎 {safe(name)}"  # sent on Telegram: DingTalk cannot fetch it
        answer = await self._api("/v1.0/robot/messageFiles/download",
                                 {"downloadCode": file.file_id[3:], "robotCode": self.robot_code})
        url = answer.get("downloadUrl", "")  # temporary: how long it lasts is undocumented
        return f"![{safe(name)}]({url})" if file.kind == "photo" else f"[📎 {safe(name)}]({url})"

    async def _batch(self, staff_ids: list[str], title: str, markdown: str) -> dict[str, list[str]]:
        answer = await self._api("/v1.0/robot/oToMessages/batchSend", {
            "robotCode": self.robot_code, "userIds": staff_ids, "msgKey": "sampleMarkdown",
            "msgParam": json.dumps({"title": title, "text": markdown}, ensure_ascii=False)})
        return {"flow": answer.get("flowControlledStaffIdList") or [],
                "invalid": answer.get("invalidStaffIdList") or []}

    async def send_notices(self, chat_ids: list[int], text: str, buttons: list[Any], *,
                           skip: int = 0) -> dict[int, Exception | None]:
        """The outbox's way out: one batchSend per ≤ 20 people; flow control holds back only those named.

        A long notice goes out as several messages; `skip` of them went out on an earlier try. Whoever misses a
        later one gets PartlySent, so their retry goes on from there (the outbox's per-part record, as on Telegram).
        """
        screen = Screen(text, buttons=tuple(tuple(Button(label, payload) for label, payload in row) for row in buttons))
        outcomes: dict[int, Exception | None] = {}
        staff: dict[str, int] = {}
        for chat_id in chat_ids:
            staff_id = await self._staff_id(chat_id)
            if staff_id is None:
                outcomes[chat_id] = RecipientBlocked("not a known DingTalk user")
            else:
                staff[staff_id] = chat_id
        for part, (title, markdown) in enumerate(render(screen)):
            if part < skip:
                continue
            waiting = [s for s, c in staff.items() if outcomes.get(c) is None]
            for start in range(0, len(waiting), MAX_BATCH):
                batch = waiting[start:start + MAX_BATCH]
                try:
                    refused = await self._batch(batch, title, markdown)
                except Exception as error:  # noqa: BLE001 - the call failed for each of them (an outage, a 429)
                    outcomes.update({staff[s]: _after(part, error) for s in batch})
                    continue
                for staff_id in refused["flow"]:
                    outcomes[staff[staff_id]] = _after(part, RetryLater(FLOW_CONTROL_WAIT, per_chat=True))
                for staff_id in refused["invalid"]:  # left the organisation, or never in it
                    outcomes[staff[staff_id]] = _after(part, RecipientBlocked("invalid staff id"))
        pairs = [[b.label, b.payload] for row in screen.buttons for b in row if b.payload is not None]
        if pairs:
            async with self.engine.services.sessions() as session, session.begin():
                for chat_id in staff.values():
                    if outcomes.get(chat_id) is None:
                        await plumbing.remember_shown(session, self.name, chat_id, pairs,
                                                      self.engine.services.clock.now(), SHOWN_SCREENS)
        return {chat_id: outcomes.get(chat_id) for chat_id in chat_ids}

    async def send_notice(self, chat_id: int, text: str, buttons: list[Any], *, skip: int = 0) -> None:
        outcome = (await self.send_notices([chat_id], text, buttons, skip=skip))[chat_id]
        if outcome is not None:
            raise outcome

    # ---- the OpenAPI ---------------------------------------------------------------------------------

    async def _access_token(self) -> str:
        if self._token is None or time.monotonic() >= self._token[1]:
            answer = await self._post(f"{self.endpoint}/v1.0/oauth2/accessToken",
                                      {"appKey": self.client_id, "appSecret": self.client_secret})
            # 7200 s documented; renewed five minutes early, as the SDK does
            self._token = (answer["accessToken"], time.monotonic() + int(answer.get("expireIn", 7200)) - 300)
        return self._token[0]

    async def _api(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        for attempt in range(2):
            headers = {"x-acs-dingtalk-access-token": await self._access_token()}
            try:
                return await self._post(f"{self.endpoint}{path}", body, headers)
            except PermissionError:
                self._token = None  # revoked or expired early: one fresh token, then give up
                if attempt:
                    raise DingTalkError(f"{path}: access token refused") from None
        raise AssertionError("unreachable")

    async def _post(self, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
        assert self.http is not None, "start() the channel first"
        async with self.http.post(url, json=body, headers=headers) as response:
            answer = await response.json(content_type=None)
        if response.status == 401:
            raise PermissionError(str(answer))
        if response.status == 429:  # not documented for the robot API; treated as Telegram's flood control
            raise RetryLater(1.0)
        if response.status != 200 or not isinstance(answer, dict):
            raise DingTalkError(f"{url.rsplit('/', 1)[-1]}: HTTP {response.status} {answer}")
        return answer
