"""The sandbox has no login, so nothing but its own page and its own bot may act in it."""
from __future__ import annotations

import aiohttp

from bot.sandbox.config import TOKEN
from tests.browser.conftest import PageApi

INJECTED = '<a href="https://evil.example/prize">点我领取奖品</a>'


async def test_a_web_page_cannot_post_into_a_chat_through_the_emulator(sandbox, page_api: PageApi):
    student = (await page_api.people())["王子涵"]
    send = f"{sandbox.emu.url}/bot{TOKEN}/sendMessage"
    body = {"chat_id": student["id"], "text": INJECTED, "parse_mode": "HTML"}
    async with aiohttp.ClientSession() as http:
        attempts = [  # DNS rebinding, a cross-site fetch or form, and an <img> pointing at the API
            http.post(send, json=body, headers={"Host": "attacker.example", "Origin": "http://evil.example"}),
            http.post(send, data=body, headers={"Origin": "http://evil.example"}),
            http.get(send, params={k: str(v) for k, v in body.items()}, headers={"Sec-Fetch-Site": "cross-site"}),
        ]
        for attempt in attempts:
            async with attempt as response:
                assert response.status == 403
                assert (await response.json())["ok"] is False
    assert not any("奖品" in text for text in await page_api.bot_said(student))
    await page_api.say(student, "📚 我的日志")  # the bot itself, on 127.0.0.1 without an Origin, still talks
    assert "日志" in (await page_api.bot_said(student))[-1]


async def test_a_chat_id_too_long_for_the_database_is_nobody(page_api: PageApi):
    huge = "1" * 23
    async with page_api.http.get(f"{page_api.url}/api/chats/{huge}") as response:
        assert response.status == 404
    await page_api.post(f"/api/chats/{huge}/send", {"text": "hi"}, status=404)


async def test_a_poll_timeout_that_is_not_a_number_is_refused_at_once(page_api: PageApi):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        for timeout in ("nan", "inf", "-inf", "NaN"):
            async with http.get(f"{page_api.url}/api/events?after=0&timeout={timeout}") as response:
                assert response.status == 400, timeout
        async with http.get(f"{page_api.url}/api/events?after=0&timeout=0") as response:
            assert response.status == 200
