"""The emulators' shared HTTP layer: the browser guard, and fault injection usable by a non-Telegram fake API."""

from __future__ import annotations

import time

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.emulator import BotApiEmulator, Faults
from bot.emulator.http import drop_connection, serve_loopback

from .helpers import TOKEN


async def test_the_guarded_emulator_serves_bots_and_refuses_web_pages() -> None:
    async with BotApiEmulator(token=TOKEN, browser_guard=True) as emu, aiohttp.ClientSession() as http:
        alice = emu.user(1001)
        aiogram_bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))
        try:
            await aiogram_bot.send_message(1001, "来自 aiogram")
        finally:
            await aiogram_bot.session.close()
        async with telegram.Bot(TOKEN, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot") as ptb_bot:
            await ptb_bot.send_message(1001, "来自 ptb")
        assert [m.text for m in alice.messages] == ["来自 aiogram", "来自 ptb"]

        send = f"{emu.url}/bot{TOKEN}/sendMessage"
        for headers in ({"Origin": "http://evil.example"}, {"Host": "attacker.example"},
                        {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
            async with http.post(send, json={"chat_id": 1001, "text": "injected"}, headers=headers) as response:
                assert (response.status, (await response.json())["error_code"]) == (403, 403), headers
        await alice.send_photo(b"\xff\xd8\xff photo", wait=False)
        file_path = next(iter(emu.files.values())).file_path
        async with http.get(f"{emu.url}/file/bot{TOKEN}/{file_path}", headers={"Origin": "http://evil.example"}) as r:
            assert r.status == 403  # a page cannot read what students sent either
        assert [m.text for m in alice.messages] == ["来自 aiogram", "来自 ptb"]


async def test_an_unguarded_emulator_is_unchanged_for_tests() -> None:
    async with BotApiEmulator(token=TOKEN) as emu, aiohttp.ClientSession() as http:
        emu.user(1001)
        async with http.post(f"{emu.url}/bot{TOKEN}/sendMessage", json={"chat_id": 1001, "text": "x"},
                             headers={"Origin": "http://127.0.0.1:1"}) as response:
            assert response.status == 200


async def test_another_fake_api_injects_its_own_errors_drops_and_delays() -> None:
    """What a DingTalk emulator would do: its own error type and envelope, the same Faults."""
    faults: Faults[tuple[int, str]] = Faults(long_polls=("stream",))

    async def api(request: web.Request) -> web.StreamResponse:
        method, target = request.match_info["method"], request.query.get("user")
        fault = faults.take(method, target)
        if fault is not None and fault.drops:
            return drop_connection(request)
        await faults.slow_down(method)
        if fault is not None and fault.error is not None:
            status, code = fault.error
            return web.json_response({"code": code}, status=status)
        return web.json_response({"code": "ok"})

    app = web.Application()
    app.router.add_post("/v1.0/{method}", api)
    runner, url = await serve_loopback(app)
    try:
        async with aiohttp.ClientSession() as http:
            async def call(method: str, user: str = "u1") -> tuple[int, str]:
                async with http.post(f"{url}/v1.0/{method}", params={"user": user}) as response:
                    return response.status, (await response.json())["code"]

            faults.fail_next("batchSend", (429, "Forbidden.AccessDenied.QpsLimitForApi"), times=2, target="u2")
            assert await call("batchSend") == (200, "ok")  # another user is not affected
            assert [await call("batchSend", "u2") for _ in range(3)] == [
                (429, "Forbidden.AccessDenied.QpsLimitForApi")] * 2 + [(200, "ok")]
            faults.drop_next("accessToken")
            with pytest.raises(aiohttp.ClientError):
                await call("accessToken")
            assert await call("accessToken") == (200, "ok")
            faults.set_latency(0.2)
            started = time.monotonic()
            assert await call("stream") == (200, "ok")  # long polls are not slowed by the default delay
            assert time.monotonic() - started < 0.15
            assert await call("batchSend") == (200, "ok")
            assert time.monotonic() - started >= 0.2
    finally:
        await runner.cleanup()

    with pytest.raises(ValueError, match="loopback"):
        await serve_loopback(web.Application(), host="0.0.0.0")
