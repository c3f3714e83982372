"""In-process fake of DingTalk's Stream gateway and robot OpenAPI (aiohttp), with fault injection.

What it follows, and from where (see README "Running on DingTalk" for the sources):
- connections/open → {endpoint, ticket}; a ticket opens one WebSocket and is valid 90 s (Stream protocol page).
- Frames are JSON {specVersion, type, headers{topic, messageId, contentType, time}, data: "<json string>"};
  the client ACKs {code, headers{messageId, contentType}, message, data}; `ping` carries {"opaque"} to echo;
  `disconnect` announces that the server closes the socket after 10 s of silence.
- A robot message un-ACKed when its socket goes away is pushed again on the next connection. DingTalk
  itself says robot messages are fire-and-forget (no redelivery on timeout); the emulator is stricter so
  that the bot's msgId de-duplication is exercised.
- oauth2/accessToken (7200 s), robot/oToMessages/batchSend (≤ 20 userIds; invalidStaffIdList,
  flowControlledStaffIdList), robot/messageFiles/download (a temporary URL) and the session webhook.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Self

from aiohttp import WSMsgType, web

from bot.dingtalk_emulator.markdown import BotMessage, message_problem
from bot.dingtalk_emulator.user import DingUser

TICKET_TTL = 90.0
TOKEN_TTL = 7200
SESSION_WEBHOOK_TTL = 90 * 60.0
MAX_USERS_PER_BATCH = 20
BOT_TOPIC = "/v1.0/im/bot/messages/get"


@dataclass
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    sent: set[str] = field(default_factory=set)  # messageIds pushed on this socket
    closing: bool = False


@dataclass
class Frame:
    message_id: str
    data: dict[str, Any]
    staff_id: str


class DingTalkEmulator:
    """Robot `robot_code` of the corporation `corp_id`, reached with `client_id`/`client_secret`."""

    def __init__(self, *, client_id: str = "dingtestclient", client_secret: str = "test-secret",
                 corp_id: str = "dingcorp0001", disconnect_grace: float = 10.0) -> None:
        self.client_id, self.client_secret, self.corp_id = client_id, client_secret, corp_id
        self.robot_code = client_id
        self.disconnect_grace = disconnect_grace
        self.session_ttl = SESSION_WEBHOOK_TTL
        self.offset = 0.0  # seconds added to the clock: tests expire tickets and webhooks without waiting
        self.url = ""
        self.tickets: dict[str, float] = {}
        self.tokens: dict[str, float] = {}
        self.sessions: dict[str, tuple[str, float]] = {}  # webhook session → (staff id, expires at)
        self.files: dict[str, tuple[bytes, str | None]] = {}
        self.connections: list[Connection] = []
        self.opened = 0
        self.pending: list[Frame] = []  # robot messages not ACKed yet, in order
        self.acked: list[str] = []
        self.pings: dict[str, bool] = {}  # opaque → answered
        self.staff: set[str] = set()
        self.inbox: dict[str, list[BotMessage]] = {}
        self.written: dict[str, list[tuple[int, str, str]]] = {}  # staff id → (seq, msgtype, text) they sent
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.flow_controlled: dict[str, int] = {}
        self.batch_faults: dict[int, int | list[str]] = {}  # batchSend call number → HTTP status, or staff held back
        self.lost_acks = 0
        self._seq = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # ---- lifecycle ----------------------------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.offset

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/connect", self._connect)
        app.router.add_post("/v1.0/oauth2/accessToken", self._token)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._batch_send)
        app.router.add_post("/v1.0/robot/messageFiles/download", self._download_url)
        app.router.add_post("/robot/sendBySession", self._session_webhook)
        app.router.add_get("/files/{code}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        for connection in list(self.connections):
            await connection.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
            except asyncio.TimeoutError:
                pass
        return True

    # ---- what tests do ------------------------------------------------------------------------------

    def user(self, staff_id: str, nick: str = "同学") -> DingUser:
        self.staff.add(staff_id)
        return DingUser(self, staff_id, nick)

    def push(self, staff_id: str, nick: str, content: dict[str, Any], msgtype: str) -> str:
        """A user writes to the robot: the message waits for the bot's socket."""
        session = secrets.token_hex(8)
        expires = self.now() + self.session_ttl
        self.sessions[session] = (staff_id, expires)
        message_id = f"msg{uuid.uuid4().hex[:16]}"
        data: dict[str, Any] = {
            "conversationId": f"cid{staff_id}", "chatbotCorpId": self.corp_id, "chatbotUserId": "$:LWCP_v1:$bot",
            "msgId": message_id, "senderNick": nick, "isAdmin": False, "senderStaffId": staff_id,
            "sessionWebhookExpiredTime": int(expires * 1000), "createAt": int(self.now() * 1000),
            "senderCorpId": self.corp_id, "conversationType": "1", "senderId": f"$:LWCP_v1:${staff_id}",
            "sessionWebhook": f"{self.url}/robot/sendBySession?session={session}", "robotCode": self.robot_code,
            "msgtype": msgtype, **content}
        self.pending.append(Frame(message_id, data, staff_id))
        said = content.get("text", {}).get("content", "") if msgtype == "text" else content.get("content", {}).get(
            "fileName", "")
        self.written.setdefault(staff_id, []).append((next(self._seq), msgtype, said))
        asyncio.get_running_loop().create_task(self._flush())
        return message_id

    def store_file(self, data: bytes, name: str | None = None) -> str:
        code = secrets.token_urlsafe(24)
        self.files[code] = (data, name)
        return code

    async def ping(self) -> str:
        opaque = uuid.uuid4().hex
        self.pings[opaque] = False
        await self._system("ping", {"opaque": opaque}, message_id=f"ping{next(self._seq)}")
        return opaque

    async def send_disconnect(self, reason: str = "connection is expired") -> None:
        """The server's graceful goodbye: no more frames on this socket, closed after the grace period."""
        live = self._live()
        if live is None:
            return
        await self._system("disconnect", {"reason": reason})
        live.closing = True
        asyncio.get_running_loop().call_later(self.disconnect_grace,
                                              lambda: asyncio.ensure_future(live.ws.close()))

    async def drop_socket(self) -> None:
        """The network fails: the socket goes away without a goodbye."""
        live = self._live()
        if live is not None and live.request.transport is not None:
            live.closing = True
            live.request.transport.abort()

    def lose_next_acks(self, count: int = 1) -> None:
        """ACKs that never arrive (a socket that dies right after the bot handled the message)."""
        self.lost_acks += count

    def flow_control(self, staff_id: str, times: int = 1) -> None:
        self.flow_controlled[staff_id] = self.flow_controlled.get(staff_id, 0) + times

    def fail_batch_send(self, nth: int = 1, status: int = 503, *, flow_controlled: list[str] | None = None) -> None:
        """The nth batchSend from now fails: as a whole (HTTP `status`, an outage) or only for some people."""
        self.batch_faults[sum(name == "batchSend" for name, _ in self.calls) + nth] = flow_controlled or status

    def expire_session_webhooks(self) -> None:
        self.sessions = {key: (staff, 0.0) for key, (staff, _) in self.sessions.items()}

    # ---- the Stream gateway --------------------------------------------------------------------------

    def _live(self) -> Connection | None:
        live = [c for c in self.connections if not c.closing and not c.ws.closed]
        return live[-1] if live else None  # the newest socket gets the pushes

    async def _system(self, topic: str, data: dict[str, Any], message_id: str | None = None) -> None:
        live = self._live()
        if live is None:
            return
        headers = {"topic": topic, "contentType": "application/json"}
        if message_id:
            headers["messageId"] = message_id
        await live.ws.send_str(json.dumps({"specVersion": "1.0", "type": "SYSTEM", "headers": headers,
                                           "data": json.dumps(data)}))

    async def _flush(self) -> None:
        live = self._live()
        if live is None:
            return
        for frame in list(self.pending):
            if frame.message_id in live.sent:
                continue
            live.sent.add(frame.message_id)
            headers = {"appId": "emulator", "contentType": "application/json", "messageId": frame.message_id,
                       "time": str(int(self.now() * 1000)), "topic": BOT_TOPIC}
            try:
                await live.ws.send_str(json.dumps({"specVersion": "1.0", "type": "CALLBACK", "headers": headers,
                                                   "data": json.dumps(frame.data, ensure_ascii=False)}))
            except ConnectionError:
                return

    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(("open", body))
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return web.json_response({"code": "invalidClient", "message": "clientId or clientSecret is wrong"},
                                     status=401)
        if not any(s.get("type") == "CALLBACK" and s.get("topic") == BOT_TOPIC for s in body.get("subscriptions", [])):
            return web.json_response({"code": "invalidSubscriptions", "message": "no subscriptions"}, status=400)
        ticket = str(uuid.uuid4())
        self.tickets[ticket] = self.now() + TICKET_TTL
        ws_url = self.url.replace("http://", "ws://")
        return web.json_response({"endpoint": f"{ws_url}/connect", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        expires = self.tickets.pop(ticket, None)  # single use, whatever happens next
        if expires is None or expires < self.now():
            return web.json_response({"code": "invalidTicket", "message": "ticket is invalid or expired"}, status=401)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = Connection(ws, request)
        self.connections.append(connection)
        self.opened += 1
        self._notify()
        await self._flush()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self._ack(json.loads(message.data))
        self.connections.remove(connection)
        self._notify()
        asyncio.get_running_loop().create_task(self._flush())
        return ws

    def _ack(self, ack: dict[str, Any]) -> None:
        message_id = ack.get("headers", {}).get("messageId")
        if self.lost_acks and any(f.message_id == message_id for f in self.pending):
            self.lost_acks -= 1
            self._notify()
            return
        data = json.loads(ack.get("data") or "{}")
        if isinstance(data, dict) and data.get("opaque") in self.pings:
            self.pings[data["opaque"]] = True
        if ack.get("code") == 200:
            self.pending = [f for f in self.pending if f.message_id != message_id]
            self.acked.append(message_id)
        self._notify()

    # ---- the OpenAPI ---------------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("appKey") != self.client_id or body.get("appSecret") != self.client_secret:
            return web.json_response({"code": "invalidClientIdOrSecret", "message": "bad appKey/appSecret"}, status=400)
        token = secrets.token_hex(16)
        self.tokens[token] = self.now() + TOKEN_TTL
        return web.json_response({"accessToken": token, "expireIn": TOKEN_TTL})

    def _authorised(self, request: web.Request) -> bool:
        return self.tokens.get(request.headers.get("x-acs-dingtalk-access-token", ""), 0) > self.now()

    async def _batch_send(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"code": "InvalidAuthentication", "message": "token invalid"}, status=401)
        body = await request.json()
        self.calls.append(("batchSend", body))
        fault = self.batch_faults.pop(sum(name == "batchSend" for name, _ in self.calls), [])
        if isinstance(fault, int):
            return web.json_response({"code": "ServiceUnavailable", "message": "injected outage"}, status=fault)
        users = body.get("userIds") or []
        if body.get("robotCode") != self.robot_code or not 1 <= len(users) <= MAX_USERS_PER_BATCH:
            return web.json_response({"code": "invalidParameter", "message": "robotCode or userIds"}, status=400)
        problem = message_problem(body.get("msgKey"), body.get("msgParam"))
        if problem:
            return web.json_response({"code": "invalidParameter", "message": problem}, status=400)
        invalid, limited = [], []
        for staff_id in users:
            if staff_id not in self.staff:
                invalid.append(staff_id)
            elif staff_id in fault:
                limited.append(staff_id)
            elif self.flow_controlled.get(staff_id, 0) > 0:
                self.flow_controlled[staff_id] -= 1
                limited.append(staff_id)
            else:
                self._deliver(staff_id, body["msgKey"], json.loads(body["msgParam"]), "batchSend")
        return web.json_response({"processQueryKey": secrets.token_hex(8), "invalidStaffIdList": invalid,
                                  "flowControlledStaffIdList": limited})

    async def _session_webhook(self, request: web.Request) -> web.Response:
        # The answer's shape is not documented; this follows the custom robot webhook (errcode/errmsg).
        staff_id, expires = self.sessions.get(request.query.get("session", ""), ("", 0.0))
        if expires < self.now():
            return web.json_response({"errcode": 300001, "errmsg": "session webhook expired"})
        body = await request.json()
        self.calls.append(("webhook", body))
        kind = body.get("msgtype")
        param = body.get(kind) if kind in ("markdown", "text") else None
        if not isinstance(param, dict):
            return web.json_response({"errcode": 40035, "errmsg": "invalid msgtype"})
        self._deliver(staff_id, "sampleMarkdown" if kind == "markdown" else "sampleText", param, "webhook")
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _download_url(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"code": "InvalidAuthentication", "message": "token invalid"}, status=401)
        body = await request.json()
        if body.get("robotCode") != self.robot_code or body.get("downloadCode") not in self.files:
            return web.json_response({"code": "invalidParameter", "message": "downloadCode"}, status=400)
        return web.json_response({"downloadUrl": f"{self.url}/files/{body['downloadCode']}"})

    async def _file(self, request: web.Request) -> web.Response:
        data, _ = self.files.get(request.match_info["code"], (None, None))
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def _deliver(self, staff_id: str, key: str, param: dict[str, Any], via: str) -> None:
        text = param.get("text") if key == "sampleMarkdown" else param.get("content")
        self.inbox.setdefault(staff_id, []).append(
            BotMessage(next(self._seq), str(param.get("title", "")), str(text or ""), via))
        self._notify()

