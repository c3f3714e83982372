"""The emulator's webhook: updates POSTed to the bot like Telegram does, once a bot called setWebhook.

Like Telegram, it sends one update of a chat at a time (the next only after the bot answered 2xx),
several chats at once (up to `max_connections`), with the secret token in a header, and sends an
update again after a non-2xx answer or a broken connection, a bounded number of times. A test can
set `upstreams` to spread the POSTs over several workers in turn, as a reverse proxy would.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from .events import EventLog
    from .updates import UpdateQueue

__all__ = ["Delivery", "WebhookSender"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One POST of an update to the bot: where, and what it answered (None: the connection broke)."""

    update_id: int
    attempt: int
    status: int | None
    url: str
    at: float


def _chat_of(update: dict[str, Any]) -> int:
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        chat = (payload.get("chat") or (payload.get("message") or {}).get("chat") or payload.get("from") or {})
        return int(chat.get("id", 0))
    return 0


class WebhookSender:
    """Delivers queued updates to the URL a bot set; the Bot API methods are in methods/webhook.py."""

    def __init__(self, updates: UpdateQueue, events: EventLog, *,
                 retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.5, 1.0), max_attempts: int = 30,
                 timeout: float = 30.0) -> None:
        self.updates, self.events = updates, events
        self.retry_delays, self.max_attempts, self.timeout = retry_delays, max_attempts, timeout
        self.url: str | None = None
        self.secret: str | None = None
        self.max_connections = 40
        self.upstreams: list[str] | None = None  # a test's "reverse proxy": POSTs go to these in turn
        self.deliveries: list[Delivery] = []
        self.last_error: tuple[int, str] | None = None
        self._busy: dict[int, int] = {}  # chat → the update on its way there
        self._generation = 0  # grows whenever a POST ends: the pump looks again
        self._turn = 0
        self._pump: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def active(self) -> bool:
        return self.url is not None

    def statuses(self, update_id: int) -> list[int | None]:
        """What the bot answered to each POST of one update, in order."""
        return [d.status for d in self.deliveries if d.update_id == update_id]

    def set(self, url: str, secret: str | None, max_connections: int) -> None:
        self.url, self.secret, self.max_connections = url, secret, max_connections
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run())

    def delete(self) -> None:
        self.url = self.secret = None  # the pump stops once its POSTs in flight are answered
        self.events.notify()

    def in_flight(self) -> set[int]:
        return set(self._busy.values())

    async def close(self) -> None:
        self.url = None
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
            self._pump = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    # ---- delivery -------------------------------------------------------------------------------------

    async def _run(self) -> None:
        self._http = self._http or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        tasks: set[asyncio.Task[None]] = set()
        while self.url:
            waiting = set(self._busy)  # a chat with an update on its way waits; so do its later updates
            for update in self.updates.pending:
                if len(self._busy) >= self.max_connections:
                    break
                chat = _chat_of(update)
                if chat in waiting:
                    continue
                waiting.add(chat)
                self._busy[chat] = update["update_id"]
                task = asyncio.create_task(self._deliver(update, chat))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            seen = (self._generation, self.events.seq)
            await self.events.wait_until(
                lambda seen=seen: (self._generation, self.events.seq) != seen or not self.url, 1.0)
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self, update: dict[str, Any], chat: int) -> None:
        try:
            for attempt in range(1, self.max_attempts + 1):
                url = self._next_url()
                if url is None:
                    return
                status = await self._post(url, update)
                self.deliveries.append(Delivery(update["update_id"], attempt, status, url, time.monotonic()))
                if status is not None and 200 <= status < 300:
                    break
                self.last_error = (int(time.time()), f"Wrong response from the webhook: {status}" if status
                                   else "Connection refused")
                self.events.notify()
                await asyncio.sleep(self.retry_delays[min(attempt - 1, len(self.retry_delays) - 1)])
            else:
                log.warning("the webhook refused update %s %d times; dropping it", update["update_id"],
                            self.max_attempts)
            self.updates.acknowledge(update["update_id"])
        finally:
            self._busy.pop(chat, None)
            self._generation += 1
            self.events.notify()

    def _next_url(self) -> str | None:
        if not self.url:
            return None
        if not self.upstreams:
            return self.url
        self._turn += 1
        return self.upstreams[self._turn % len(self.upstreams)]

    async def _post(self, url: str, update: dict[str, Any]) -> int | None:
        assert self._http is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret} if self.secret else {}
        try:
            async with self._http.post(url, json=update, headers=headers) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return None
