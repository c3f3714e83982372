"""Webhook mode: Telegram POSTs each update to the bot, which answers 200 only once it is handled and stored."""
from __future__ import annotations

import json

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from storage.models import Account, ConversationState, ProcessedUpdate
from tests.helpers import invite_code


def endpoint(world) -> str:  # noqa: ANN001
    return world.app.http.url + "/telegram/updates"


async def stored(world) -> tuple[int, int, int]:  # noqa: ANN001
    async with world.services.sessions() as session:
        return tuple([(await session.execute(select(func.count()).select_from(model))).scalar_one()
                      for model in (ProcessedUpdate, ConversationState, Account)])


async def metric(world, name: str, **labels: str) -> float:  # noqa: ANN001
    async with aiohttp.ClientSession() as http, http.get(world.app.http.url + "/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()))


async def test_a_student_files_a_log_step_through_the_webhook(webhook_world):
    world, emu = webhook_world, webhook_world.emu
    info = emu.calls_to("setWebhook")[-1]
    assert info["url"].endswith("/telegram/updates") and len(info["secret_token"]) >= 32
    student = await world.person("王小明")
    await student.send_command("log")
    await student.press(callback_data="log:kind:reading")
    await student.press(callback_data="log:date:today")
    await student.send_text("读了《费曼物理学讲义》第一章。")
    assert "已记下" in student.last.text
    assert not emu.calls_to("getUpdates"), "in webhook mode the bot never polls"
    assert {d.status for d in emu.webhook.deliveries} == {200}
    async with world.services.sessions() as session:
        state = (await session.execute(select(ConversationState))).scalar_one()
    assert state.data["log"]["did"] == "读了《费曼物理学讲义》第一章。"


async def test_forged_webhook_requests_are_refused_and_change_nothing(webhook_world):
    world = webhook_world
    code = await invite_code(world.services, "王小明")
    forged = {"update_id": 777, "message": {
        "message_id": 1, "date": 1_780_000_000, "text": f"/start {code}",
        "chat": {"id": 666, "type": "private", "first_name": "Mallory"},
        "from": {"id": 666, "is_bot": False, "first_name": "Mallory"},
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
    secret = world.emu.calls_to("setWebhook")[-1]["secret_token"]
    before = await stored(world)
    refused_before = await metric(world, "yingcai_webhook_requests_total", status="401")
    async with aiohttp.ClientSession() as http:
        async def post(body: bytes, token: str | None) -> int:
            headers = {"Content-Type": "application/json"}
            if token is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = token
            async with http.post(endpoint(world), data=body, headers=headers) as response:
                return response.status

        update = json.dumps(forged).encode()
        assert await post(update, None) == 401
        assert await post(update, "wrong-secret-" + secret[13:]) == 401
        assert await post(update, secret[:-1]) == 401
        assert await post(b'{"update_id": 778, "message": {', secret) == 400
        assert await post(b'[1, 2, 3]', secret) == 400
        huge = b'{"update_id": 779, "pad": "' + b"x" * (10 * 1024 * 1024) + b'"}'
        assert await post(huge, None) == 401
        assert await post(huge, secret) == 413
    assert await stored(world) == before, "no update id, state or account was stored"
    assert await metric(world, "yingcai_webhook_requests_total", status="401") == refused_before + 4
    assert world.emu.calls_to("sendMessage") == []


async def test_a_reply_lost_on_the_way_is_answered_500_and_the_redelivery_dropped_as_handled(webhook_world):
    world, emu = webhook_world, webhook_world.emu
    student = await world.person("王小明")
    await student.send_command("log")
    await student.press(callback_data="log:kind:reading")
    await student.press(callback_data="log:date:today")
    emu.drop_next("sendMessage")  # the reply to the next message never reaches Telegram
    update_id = await student.send_text("第一段")
    assert emu.webhook.statuses(update_id) == [500, 200]  # Telegram sent it again; the bot knew it already
    async with world.services.sessions() as session:
        state = (await session.execute(select(ConversationState))).scalar_one()
    assert state.data["log"]["did"] == "第一段", "stored once, not twice"


async def test_metrics_count_the_updates_and_sends_a_story_caused(webhook_world):
    world = webhook_world
    handled = await metric(world, "yingcai_updates_total", kind="command", outcome="handled")
    buttons = await metric(world, "yingcai_updates_total", kind="button", outcome="handled")
    refused = await metric(world, "yingcai_updates_total", kind="text", outcome="refused")
    replies = await metric(world, "yingcai_sends_total", purpose="reply", result="sent")
    latencies = await metric(world, "yingcai_handler_seconds_count")
    statements = await metric(world, "yingcai_sql_statements_per_update_sum")
    student = await world.person("王小明")  # /start
    await student.send_command("log")
    await student.press(callback_data="log:kind:reading")
    await student.send_text("not a date")  # refused: the date step wants a button or a date
    assert await metric(world, "yingcai_updates_total", kind="command", outcome="handled") == handled + 2
    assert await metric(world, "yingcai_updates_total", kind="button", outcome="handled") == buttons + 1
    assert await metric(world, "yingcai_updates_total", kind="text", outcome="refused") == refused + 1
    assert await metric(world, "yingcai_sends_total", purpose="reply", result="sent") >= replies + 4
    assert await metric(world, "yingcai_handler_seconds_count") == latencies + 4
    assert await metric(world, "yingcai_sql_statements_per_update_sum") >= statements + 4 * 2
    assert await metric(world, "yingcai_outbox_messages", status="pending") >= 0
