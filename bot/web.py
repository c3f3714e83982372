"""The process's HTTP listener: the webhook Telegram POSTs updates to, and /healthz, /readyz, /metrics."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.channels.intake import HandlingFailed
from storage import runtime
from storage.db import head_revision

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # Telegram's updates are a few kilobytes; anything near this is not one
READY_TIMEOUT = 3.0


class HttpEndpoint:
    """Serves health and metrics always, and the webhook when `webhook_path` is set.

    An update is answered 200 only once its transaction committed (or it was a redelivery already
    handled); 500 when handling failed, so Telegram sends it again; 503 while starting or stopping.
    """

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], channel: Any = None,
                 webhook_path: str | None = None, secret: str | None = None) -> None:
        self.channel, self.sessions = channel, sessions
        self.started = False  # every channel of the process started
        self.webhook_path, self.secret = webhook_path, (secret or "").encode()
        self.accepting = True
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._runner: web.AppRunner | None = None
        self.url: str | None = None

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_get("/healthz", self._alive)
        app.router.add_get("/readyz", self._ready)
        app.router.add_get("/metrics", self._metrics)
        if self.webhook_path is not None:
            app.router.add_post(self.webhook_path, self._webhook)
        return app

    async def start(self, host: str, port: int, sock: socket.socket | None = None) -> str:
        self._runner = web.AppRunner(self.application(), access_log=None, handler_cancellation=False)
        await self._runner.setup()
        site = web.SockSite(self._runner, sock) if sock is not None else \
            web.TCPSite(self._runner, host, port, reuse_port=True)
        await site.start()
        bound = self._runner.addresses[0]
        self.url = f"http://{bound[0]}:{bound[1]}" if isinstance(bound, tuple) else str(bound)
        log.info("listening on %s%s", self.url, f" (webhook at {self.webhook_path})" if self.webhook_path else "")
        return self.url

    async def drain(self, grace: float) -> bool:
        """Stops taking updates and waits (at most `grace` seconds) for those in flight; True when all finished."""
        self.accepting = False
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
            return True
        except asyncio.TimeoutError:
            log.warning("%d update(s) still running after %.0fs; stopping anyway", self.in_flight, grace)
            return False

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---- the webhook ---------------------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        status, text = await self._take(request)
        metrics.WEBHOOK_REQUESTS.labels(str(status)).inc()
        return web.Response(status=status, text=text)

    async def _take(self, request: web.Request) -> tuple[int, str]:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not self.secret or not hmac.compare_digest(given, self.secret):
            return 401, "unauthorized"
        if not self.accepting or not self.started:
            return 503, "not taking updates now"
        try:
            data = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return 413, "too large"
        except ValueError:
            return 400, "malformed JSON"
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return 400, "not an update"
        self.in_flight += 1
        self._idle.clear()
        try:
            # Shielded: a proxy that gives up waiting must not cancel a transaction half-way.
            await asyncio.shield(self.channel.take_update(data))
            return 200, "ok"
        except HandlingFailed as error:
            log.warning("%s; answering 500 so that Telegram sends it again", error)
            return 500, "failed"
        except Exception:
            log.exception("update %s could not be handled; answering 500", data.get("update_id"))
            return 500, "failed"
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    # ---- health and metrics --------------------------------------------------------------------------

    async def _alive(self, _request: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def _ready(self, _request: web.Request) -> web.Response:
        problems = []
        try:
            async with self.sessions() as session:
                await asyncio.wait_for(runtime.database_answers(session), READY_TIMEOUT)
                revision = await asyncio.wait_for(runtime.schema_revision(session), READY_TIMEOUT)
            if revision != head_revision():
                problems.append(f"database schema is at {revision}, not {head_revision()}: run `yingcai migrate`")
        except Exception as error:  # noqa: BLE001 - any failure means: not ready
            problems.append(f"database does not answer ({type(error).__name__})")
        if not self.started:
            problems.append("the channels have not started")
        if not self.accepting:
            problems.append("shutting down")
        return web.json_response({"ready": not problems, "problems": problems}, status=503 if problems else 200)

    async def _metrics(self, _request: web.Request) -> web.Response:
        async def depth() -> dict[str, int]:
            async with self.sessions() as session:
                return await asyncio.wait_for(runtime.outbox_depth(session), READY_TIMEOUT)

        body, content_type = await metrics.exposition(depth)
        return web.Response(body=body, headers={"Content-Type": content_type})
