"""The sandbox in-process on a free port and a throwaway database, and a small client for its page API."""
from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox.config import SandboxConfig
from bot.sandbox.runner import Sandbox
from bot.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sandbox"


def sandbox_for(folder: Path, engine: str = "aiogram", *, template: Path | None = None) -> Sandbox:
    database = folder / "sandbox.db"
    if template is not None and not database.exists():
        shutil.copy(template, database)  # already migrated: each test skips the two seconds of migrations
    settings = Settings(BOT_ENGINE=engine, DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'real.db'}")
    config = SandboxConfig(YINGCAI_SANDBOX_PORT=0, YINGCAI_SANDBOX_DATABASE=f"sqlite+aiosqlite:///{database}")
    return Sandbox(settings, config)


@pytest.fixture
async def sandbox(tmp_path: Path, sqlite_template: Path):
    box = sandbox_for(tmp_path, template=sqlite_template)
    await box.start()
    try:
        yield box
    finally:
        await box.stop()


class PageApi:
    """What the page's JavaScript does, from Python."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url

    async def get(self, path: str) -> Any:
        async with self.http.get(self.url + path) as response:
            assert response.status == 200, (path, response.status, await response.text())
            return await response.json()

    async def post(self, path: str, body: dict[str, Any] | None = None, *, form: aiohttp.FormData | None = None,
                   status: int = 200) -> Any:
        async with self.http.post(self.url + path, json=body if form is None else None, data=form,
                                  headers={"X-Sandbox": "1"}) as response:
            assert response.status == status, (path, response.status, await response.text())
            return await response.json()

    async def people(self) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in (await self.get("/api/state"))["people"]}

    async def chat(self, person: dict[str, Any]) -> dict[str, Any]:
        return await self.get(f"/api/chats/{person['id']}")

    async def bot_said(self, person: dict[str, Any]) -> list[str]:
        return [m["text"] for m in (await self.chat(person))["messages"] if m["from"] == "bot"]

    async def say(self, person: dict[str, Any], text: str) -> None:
        await self.post(f"/api/chats/{person['id']}/send", {"text": text})

    async def press(self, person: dict[str, Any], label: str) -> None:
        """Presses the newest inline button whose label contains `label`, as a tap on the page would."""
        for message in reversed((await self.chat(person))["messages"]):
            for row in message["buttons"]:
                for button in row:
                    if label in button["text"] and button["data"]:
                        await self.post(f"/api/chats/{person['id']}/press",
                                        {"message_id": message["id"], "data": button["data"]})
                        return
        raise LookupError(f"no button {label!r} in the chat of {person['name']}")

    async def upload(self, person: dict[str, Any], data: bytes, name: str, *, as_: str = "photo") -> None:
        form = aiohttp.FormData(quote_fields=False)  # raw UTF-8 names, as browsers send them
        form.add_field("as", as_)
        form.add_field("file", data, filename=name, content_type="image/png" if as_ == "photo" else None)
        await self.post(f"/api/chats/{person['id']}/upload", form=form)

    async def wait_until(self, check: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = await check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"not true within {timeout}s")
            await asyncio.sleep(0.1)


@pytest.fixture
async def page_api(sandbox: Sandbox):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        yield PageApi(http, sandbox.url or "")
