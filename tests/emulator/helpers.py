"""Helpers for emulator self-tests: a raw HTTP Bot API caller and bounded waits."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from bot.emulator import BotApiEmulator

TOKEN = "123:ABC"


class Api:
    """Calls Bot API methods over real HTTP, encoding parameters the way the given client would."""

    def __init__(self, emu: BotApiEmulator, session: aiohttp.ClientSession) -> None:
        self.emu, self.session = emu, session

    async def __call__(self, method: str, transport: str = "json", token: str = TOKEN,
                       files: dict[str, tuple[str, bytes]] | None = None,
                       **params: Any) -> tuple[int, dict[str, Any]]:
        url = f"{self.emu.url}/bot{token}/{method}"
        params = {k: v for k, v in params.items() if v is not None}
        if transport == "json":
            response = await self.session.post(url, json=params)
        elif transport == "query":
            response = await self.session.get(url, params={k: _flat(v) for k, v in params.items()})
        elif transport == "form":
            response = await self.session.post(url, data={k: _flat(v) for k, v in params.items()})
        elif transport == "multipart":
            form = aiohttp.FormData(quote_fields=False)
            for key, value in params.items():
                form.add_field(key, _flat(value))
            for key, (file_name, data) in (files or {}).items():
                form.add_field(key, data, filename=file_name)
            if not params and not files:
                form.add_field("_", "")  # aiohttp only sends multipart when there is some field
            response = await self.session.post(url, data=form)
        else:
            raise ValueError(transport)
        async with response:
            return response.status, await response.json()

    async def ok(self, method: str, transport: str = "json", **params: Any) -> Any:
        status, body = await self(method, transport, **params)
        assert (status, body.get("ok")) == (200, True), body
        return body["result"]

    async def error(self, method: str, transport: str = "json", **params: Any) -> tuple[int, str]:
        status, body = await self(method, transport, **params)
        assert body["ok"] is False and body["error_code"] == status, body
        return status, body["description"]


def _flat(value: Any) -> str:
    """Form fields carry JSON for complex values and numbers/bools, like aiogram and ptb send them."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


async def wait_for_calls(emu: BotApiEmulator, method: str, count: int = 1, timeout: float = 2.0) -> None:
    """Bounded wait until the emulator has received `count` calls of `method`."""
    async with asyncio.timeout(timeout):
        while len(emu.calls_to(method)) < count:
            await asyncio.sleep(0.005)
