"""The HTTP side any fake API server here shares: loopback-only serving, injected faults, and a browser guard.

Nothing in this module knows Telegram: an emulator of another service (DingTalk, say) serves its own
routes with `serve_loopback`, injects its own error type through `Faults`, and renders it itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiohttp import web

__all__ = ["Fault", "Faults", "drop_connection", "is_local_host", "refuse_browsers", "serve_loopback"]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LOCAL_HOST_NAMES = {"127.0.0.1", "localhost", "[::1]", "::1"}

E = TypeVar("E")


async def serve_loopback(app: web.Application, host: str = "127.0.0.1", port: int = 0) -> tuple[web.AppRunner, str]:
    """Starts `app` on a loopback address (port 0: any free port); returns its runner and base URL."""
    if host not in LOOPBACK:
        # The emulators have no real authentication, so they must never be reachable from outside.
        raise ValueError(f"the emulator only binds to loopback, not {host!r}")
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    return runner, f"http://{bound_host}:{bound_port}"


@dataclass
class Fault(Generic[E]):
    """One injected failure: answer with `error`, or drop the connection when it is None."""

    method: str
    error: E | None
    times: int
    target: str | None  # only calls about this target (e.g. a chat id); None: every call

    @property
    def drops(self) -> bool:
        return self.error is None


class Faults(Generic[E]):
    """Failures to inject at the HTTP boundary, per API method: error answers, dropped connections, delays.

    An error is whatever the emulator renders (Telegram's `ApiError`: 429 with retry_after, 500, 403…).
    A delay longer than the client's timeout is a timeout. `long_polls` are never slowed by the default
    delay (they wait by design); a delay set for them by name still applies.
    """

    def __init__(self, long_polls: Collection[str] = ()) -> None:
        self.latency: dict[str | None, float] = {}
        self._long_polls = set(long_polls)
        self._pending: list[Fault[E]] = []

    def fail_next(self, method: str, error: E, times: int = 1, target: str | None = None) -> None:
        """Answer the next `times` calls of `method` (optionally only about `target`) with `error`."""
        self._pending.append(Fault(method, error, times, target))

    def drop_next(self, method: str, times: int = 1, target: str | None = None) -> None:
        """Close the connection without answering, as a network failure would."""
        self._pending.append(Fault(method, None, times, target))

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay answers to `method` (every method but the long polls when None) to simulate a slow API."""
        self.latency[method] = seconds

    def take(self, method: str, target: str | None = None) -> Fault[E] | None:
        """The fault this call meets, if any; each one counts down and is gone after its last time."""
        for fault in self._pending:
            if fault.method != method or (fault.target is not None and fault.target != target):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._pending.remove(fault)
            return fault
        return None

    def delay_for(self, method: str) -> float:
        default = 0.0 if method in self._long_polls else self.latency.get(None, 0.0)
        return self.latency.get(method, default)

    async def slow_down(self, method: str) -> None:
        delay = self.delay_for(method)
        if delay:
            await asyncio.sleep(delay)


def drop_connection(request: web.Request) -> web.Response:
    """Closes the transport so the client sees a disconnect; the returned response is never sent."""
    if request.transport is not None:
        request.transport.close()
    return web.Response()


def host_name(host_header: str) -> str:
    """The name part of a Host header: `127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `[::1]`."""
    if host_header.startswith("["):
        return host_header.split("]")[0] + "]"
    return host_header.rsplit(":", 1)[0]


def is_local_host(host_header: str | None) -> bool:
    """Whether a request was addressed to this computer by name, not to a foreign name (DNS rebinding)."""
    return host_name(host_header or "") in LOCAL_HOST_NAMES


def refuse_browsers(refuse: Callable[[int, str], web.StreamResponse]):  # noqa: ANN201 (aiohttp middleware)
    """A middleware for an API that only programs call: web pages and foreign host names get `refuse(403, …)`.

    Browsers mark every request a page makes (Origin, Sec-Fetch-Site); bot libraries send neither.
    """

    @web.middleware
    async def guard(request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if not is_local_host(request.host):
            return refuse(403, "Forbidden: this server answers only on 127.0.0.1")
        if "Origin" in request.headers or "Sec-Fetch-Site" in request.headers:
            return refuse(403, "Forbidden: this server does not answer web pages")
        return await handler(request)

    return guard
