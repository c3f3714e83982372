"""DingTalk's own ways: a socket that says goodbye or just dies, redelivered messages, typed lookalikes of
buttons, flow control and the 20-person batches, expired session webhooks, and the gateway's rules."""
from __future__ import annotations

from datetime import timedelta

import aiohttp
from sqlalchemy import select

from storage import preferences
from storage.models import Account, ConversationState, OutboxMessage
from tests.helpers import invite_code

JPEG = b"\xff\xd8\xff\xe0" + b"1" * 1024


async def draft_of(world, phone) -> dict:  # noqa: ANN001
    async with world.services.sessions() as session:
        state = (await session.execute(select(ConversationState).where(
            ConversationState.channel == "dingtalk", ConversationState.external_id == await phone._number()))
        ).scalar_one()
    return state.data.get("log", {})


async def start_a_log(student) -> None:  # noqa: ANN001
    await student.send_text("/log")
    await student.tap("导师见面")
    await student.tap("今天")


async def test_messages_sent_around_a_disconnect_frame_all_arrive_once_on_a_fresh_connection(dingtalk_world):
    world, emu = dingtalk_world, dingtalk_world.emu
    student = await world.person("王小明")
    await start_a_log(student)
    opened = emu.opened
    first = await student.send_text("第一段")
    await emu.send_disconnect()
    later = [await student.send_text(text, wait=False) for text in ("第二段", "第三段")]
    assert await emu.wait_until(lambda: all(m in emu.acked for m in later), 10)
    assert emu.opened == opened + 1, "a new connection, opened with a fresh ticket"
    assert (await draft_of(world, student))["did"] == "第一段\n第二段\n第三段"
    assert first in emu.acked and sum("已记下" in m.text for m in student.messages) == 3


async def test_a_message_redelivered_after_a_dropped_socket_is_handled_once(dingtalk_world):
    world, emu = dingtalk_world, dingtalk_world.emu
    student = await world.person("孙悦")
    await start_a_log(student)
    emu.lose_next_acks(1)  # handled and answered, but the ACK dies with the socket
    message = await student.send_text("听了量子计算的报告", wait=False)
    assert await emu.wait_until(lambda: emu.lost_acks == 0, 10), "handled, answered and ACKed (in vain)"
    await emu.drop_socket()
    assert await emu.wait_until(lambda: message in emu.acked, 10), "pushed again on the next connection"
    assert emu.acked.count(message) == 1 and emu.opened >= 2
    assert (await draft_of(world, student))["did"] == "听了量子计算的报告"
    assert sum("已记下" in m.text for m in student.messages) == 1


async def test_typed_payloads_numbers_and_other_peoples_labels_are_only_text(dingtalk_world):
    world = dingtalk_world
    wang, sun = await world.person("王小明"), await world.person("孙悦")
    await start_a_log(wang)
    await sun.send_text("mylogs:open:1:0")
    await sun.send_text("导师见面")  # a label shown to 王小明, never to 孙悦
    assert all("没看懂" in m.text for m in sun.messages[-2:])
    async with world.services.sessions() as session:
        sun_state = (await session.execute(select(ConversationState.flow).where(
            ConversationState.external_id == await sun._number()))).scalar_one_or_none()
    assert sun_state is None
    await wang.send_text("log:kind:reading")  # the step takes text: a payload typed is just words
    await wang.send_text("1")  # …and so is a number there
    assert (await draft_of(world, wang))["did"] == "log:kind:reading\n1"
    assert (await draft_of(world, wang))["kind"] == "meeting"


async def test_numbers_choose_options_and_the_photo_is_fetched_through_its_download_code(dingtalk_world):
    student = await dingtalk_world.person("刘思源")
    await student.send_text("/log")
    kinds = student.last.button_texts()
    await student.send_text("3")  # the third option, typed where links do not work
    assert kinds[2].startswith("阅读") and (await draft_of(dingtalk_world, student))["kind"] == "reading"
    await student.tap("今天")
    await student.send_text("读了《费曼物理学讲义》第一章")
    for label in ("下一步 ▶", "跳过 ▶", "跳过 ▶", "2 小时"):
        await student.tap(label)
    await student.send_photo(JPEG)
    await student.tap("完成，去核对 ▶")
    assert "1 张照片" in student.last.text
    await student.tap("✅ 提交")
    await student.send_text("/mylogs")
    await student.tap("阅读")
    assert student.last.kind == "photo"
    async with aiohttp.ClientSession() as http, http.get(student.last.images[0]) as response:
        assert await response.read() == JPEG


async def test_notices_go_out_in_one_batch_and_flow_control_holds_back_only_its_user(dingtalk_world, clock):
    world, emu = dingtalk_world, dingtalk_world.emu
    mentor = await world.person("李明教授")
    wang, sun = await world.person("王小明"), await world.person("孙悦")
    emu.flow_control(sun.staff_id)
    await mentor.send_text("/schedule")
    for text in ("明天 10:00", "图书馆 201", "读书会"):
        await mentor.send_text(text)
    for label in ("全选", "完成 ▶", "📨 安排并通知"):
        await mentor.tap(label)
    await world.deliver_outbox()
    batches = [body["userIds"] for name, body in emu.calls if name == "batchSend"]
    assert sorted(batches[-1]) == sorted([wang.staff_id, sun.staff_id]), "one call for both"
    assert any("读书会" in m.text for m in wang.messages) and not any("读书会" in m.text for m in sun.messages)
    clock.set(clock.now() + timedelta(seconds=61))
    await world.deliver_outbox()
    await world.deliver_outbox()
    assert sum("读书会" in m.text for m in sun.messages) == 1 and sum("读书会" in m.text for m in wang.messages) == 1
    await sun.tap("✅ 我会参加")  # the notice's link works like a reply's
    assert "你的回复：✅ 参加" in sun.last.text
    async with world.services.sessions() as session:
        assert [r.status for r in (await session.execute(select(OutboxMessage))).scalars()] == ["sent", "sent"]


async def test_an_expired_session_webhook_falls_back_to_the_openapi(dingtalk_world):
    world, emu = dingtalk_world, dingtalk_world.emu
    student = await world.person("王小明")
    assert student.last.via == "webhook"
    emu.session_ttl = 0.0
    await student.send_text("/progress")
    assert "0/10" in student.last.text and student.last.via == "batchSend"


async def test_the_gateway_pings_and_tickets_are_single_use_and_last_90_seconds(dingtalk_world):
    emu = dingtalk_world.emu
    opaque = await emu.ping()
    assert await emu.wait_until(lambda: emu.pings[opaque], 5), "the bot echoes the ping's opaque"
    async with aiohttp.ClientSession() as http:
        async def ticket() -> str:
            async with http.post(f"{emu.url}/v1.0/gateway/connections/open", json={
                    "clientId": emu.client_id, "clientSecret": emu.client_secret,
                    "subscriptions": [{"type": "CALLBACK", "topic": "/v1.0/im/bot/messages/get"}]}) as response:
                return (await response.json())["ticket"]

        async def connects(value: str) -> bool:
            try:
                async with http.ws_connect(f"{emu.url}/connect?ticket={value}"):
                    return True
            except aiohttp.WSServerHandshakeError:
                return False

        used = await ticket()
        assert await connects(used) and not await connects(used)
        stale = await ticket()
        emu.offset += 91
        assert not await connects(stale)
        emu.offset -= 91
        async with http.post(f"{emu.url}/v1.0/gateway/connections/open", json={
                "clientId": emu.client_id, "clientSecret": "wrong", "subscriptions": []}) as response:
            assert response.status == 401


async def test_batches_hold_at_most_twenty_people(dingtalk_world):
    world, emu = dingtalk_world, dingtalk_world.emu
    channel = world.app.channel
    numbers = []
    for i in range(25):
        emu.staff.add(f"bulk{i}")
        numbers.append(await channel._number(f"{emu.corp_id}:bulk{i}"))
    outcomes = await channel.send_notices(numbers, "明天下午两点，物理楼 302 开题讨论", [])
    assert set(outcomes.values()) == {None}
    sizes = [len(body["userIds"]) for name, body in emu.calls if name == "batchSend"]
    assert sizes[-2:] == [20, 5]
    async with aiohttp.ClientSession() as http:
        token = await channel._access_token()
        async with http.post(f"{emu.url}/v1.0/robot/oToMessages/batchSend", headers={
                "x-acs-dingtalk-access-token": token}, json={
                "robotCode": emu.robot_code, "userIds": [f"bulk{i}" for i in range(21)], "msgKey": "sampleMarkdown",
                "msgParam": '{"title": "t", "text": "x"}'}) as response:
            assert response.status == 400


async def test_binding_with_the_words_bind_and_a_code_joins_and_a_stranger_is_told_how_in_chinese(dingtalk_world):
    world = dingtalk_world
    stranger = world.stranger("路人")
    await stranger.send_text("你好")
    assert "邀请" in stranger.last.text and not stranger.last.links, "how to join, in Chinese, and no menu"
    student = world.stranger("刘思源")
    await student.send_text(f"绑定  {await invite_code(world.services, '刘思源')}")
    assert "欢迎你，刘思源" in student.last.text and "📝 写成长日志" in student.menu
    async with world.services.sessions() as session:
        bound = (await session.execute(select(Account).where(Account.channel == "dingtalk"))).scalars().all()
    assert [account.person.name for account in bound] == ["刘思源"]


async def test_a_screen_that_replaces_the_tapped_one_arrives_as_a_new_message(dingtalk_world):
    student = await dingtalk_world.person("王小明")
    await student.send_text("/settings")
    before = len(student.messages)
    await student.tap("23:00–08:00")
    [changed] = student.messages[before:]
    assert "✓ 免打扰时段：23:00–08:00" in changed.text and "✓ 23:00–08:00" in changed.button_texts()
    assert "✓ 22:00–07:30" in student.messages[before - 1].button_texts(), "the earlier message stays as it was"


async def test_a_label_from_a_screen_long_gone_is_only_text(dingtalk_world):
    world = dingtalk_world
    student = await world.person("孙悦")
    await student.send_text("/settings")
    await start_a_log(student)  # three screens with links since the settings: the settings' links are stale
    await student.send_text("23:00–08:00")
    assert (await draft_of(world, student))["did"] == "23:00–08:00", "taken as the student's words"
    async with world.services.sessions() as session:
        person_id = (await session.execute(select(Account.person_id).where(Account.channel == "dingtalk"))).scalar_one()
        assert await preferences.quiet_hours_of(session, [person_id]) == {}
