"""A worker on the shared socket of `yingcai run --workers N` takes connections only once it is ready."""
from __future__ import annotations

import asyncio
import json
import socket

import aiohttp

from bot.app import build_app
from bot.emulator import BotApiEmulator
from tests.e2e.conftest import TOKEN, webhook_settings

SECRET = "s" * 40
UPDATE = {"update_id": 1, "message": {"message_id": 1, "date": 1_780_000_000, "text": "你好",
                                      "chat": {"id": 4242, "type": "private", "first_name": "路人"},
                                      "from": {"id": 4242, "is_bot": False, "first_name": "路人"}}}


async def test_an_update_arriving_while_a_worker_starts_waits_for_it_instead_of_a_503(sqlite_url, clock):
    """With two workers starting, the kernel hands a connection to whichever accepts: a starting one answered 503."""
    listen = socket.create_server(("127.0.0.1", 0))  # bound and listening, as the supervisor hands it over
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        settings = webhook_settings(emu, listen, BOT_ENGINE="aiogram", DATABASE_URL=sqlite_url,
                                    WEBHOOK_SECRET=SECRET)
        app = await build_app(settings, clock=clock, listen=listen.dup())
        channel, release = app.channels[0], asyncio.Event()
        original = channel.start

        async def slow_start() -> None:  # the channel is still starting (getMe, setWebhook) until released
            await release.wait()
            await original()

        channel.start = slow_start
        starting = asyncio.create_task(app.start())
        try:
            async with aiohttp.ClientSession() as http:
                posted = asyncio.create_task(http.post(
                    settings.webhook_url, data=json.dumps(UPDATE),
                    headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}))
                await asyncio.sleep(1.0)
                assert not posted.done(), f"answered {posted.result().status} while the worker was starting"
                release.set()
                await asyncio.wait_for(starting, 20)
                response = await asyncio.wait_for(posted, 20)
                assert response.status == 200, await response.text()
                response.release()
        finally:
            release.set()
            await asyncio.wait_for(starting, 20)
            await app.close()
            listen.close()
    assert emu.calls_to("sendMessage"), "the stranger was answered"
