"""The test-side FakeUser client and the emulator's event sequence."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator import BotApiEmulator

from .helpers import Api


def kb(*rows: list[tuple[str, str]]) -> dict:
    return {"inline_keyboard": [[{"text": t, ("url" if d.startswith("https:") else "callback_data"): d}
                                 for t, d in row] for row in rows]}


async def test_commands_carry_utf16_bot_command_entities(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await alice.send_command("start", "CODE123", wait=False)
    await alice.send_text("😀 /help@yingcai_test_bot 与 /log", wait=False)
    await alice.send_text("path/to/x and a/b", wait=False)
    first, second, third = [u["message"] for u in await api.ok("getUpdates")]
    assert first["text"] == "/start CODE123"
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert second["entities"] == [{"type": "bot_command", "offset": 3, "length": 22},
                                  {"type": "bot_command", "offset": 28, "length": 4}]
    assert "entities" not in third


async def test_press_finds_newest_message_with_that_button(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="旧", reply_markup=kb([("✅ 提交", "old:1")]))
    await api.ok("sendMessage", chat_id=1001, text="新", reply_markup=kb([("✅ 提交", "new:2"), ("官网", "https://e.com")]))
    await api.ok("sendMessage", chat_id=1001, text="no buttons")
    await alice.press("✅ 提交", wait=False)
    await alice.press(callback_data="old:1", wait=False)
    pressed = [u["callback_query"] for u in await api.ok("getUpdates")]
    assert [(q["data"], q["message"]["text"]) for q in pressed] == [("new:2", "新"), ("old:1", "旧")]
    assert pressed[0]["id"] != pressed[1]["id"]


async def test_press_shows_the_message_as_currently_edited(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="v1", reply_markup=kb([("OK", "ok")]))
    await api.ok("editMessageText", chat_id=1001, message_id=1, text="v2", reply_markup=kb([("OK", "ok")]))
    await alice.press("OK", wait=False)
    message = (await api.ok("getUpdates"))[0]["callback_query"]["message"]
    assert (message["text"], "edit_date" in message) == ("v2", True)


async def test_press_errors_list_visible_buttons(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="x", reply_markup=kb([("取消", "log:cancel"), ("官网", "https://e.com")]))
    with pytest.raises(LookupError, match=r"no inline button '提交'.*\[取消 -> log:cancel\]"):
        await alice.press("提交")
    with pytest.raises(LookupError, match="not a callback button"):
        await alice.press("官网")
    with pytest.raises(LookupError, match="no bot message 42"):
        await alice.press(callback_data="x", message_id=42)


async def test_forged_callback_on_explicit_message(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="x", reply_markup=kb([("取消", "log:cancel")]))
    await api.ok("sendMessage", chat_id=1001, text="plain")
    await alice.press(callback_data="admin:delete_all", message_id=2, wait=False)
    query = (await api.ok("getUpdates"))[0]["callback_query"]
    assert (query["data"], query["message"]["message_id"]) == ("admin:delete_all", 2)


async def test_inbox_since_mark_includes_new_and_edited_messages(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="a")
    await api.ok("sendMessage", chat_id=1001, text="b")
    mark = alice.mark()
    assert alice.inbox_since(mark) == []
    await api.ok("editMessageText", chat_id=1001, message_id=1, text="a2")
    await api.ok("sendMessage", chat_id=1001, text="c")
    assert [m.text for m in alice.inbox_since(mark)] == ["a2", "c"]
    assert [m.text for m in alice.messages] == ["a2", "b", "c"]


async def test_wait_for_asynchronous_notice(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    with pytest.raises(LookupError):
        _ = alice.last
    later = asyncio.get_running_loop().call_later(
        0.05, lambda: asyncio.ensure_future(api.ok("sendMessage", chat_id=1001, text="⏰ 提醒")))
    messages = await alice.wait_for(lambda ms: any("提醒" in m.text for m in ms), timeout=2)
    assert messages[-1].text == "⏰ 提醒"
    later.cancel()
    with pytest.raises(TimeoutError, match="condition not met"):
        await alice.wait_for(lambda ms: len(ms) > 1, timeout=0.05)


async def test_user_reply_to_bot_message(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="请回复学校名称", reply_markup={"force_reply": True})
    await alice.send_text("北京四中", reply_to=1, wait=False)
    message = (await api.ok("getUpdates"))[0]["message"]
    assert message["reply_to_message"]["text"] == "请回复学校名称"
    assert message["reply_to_message"]["from"]["is_bot"] is True
    with pytest.raises(LookupError):
        await alice.send_text("x", reply_to=99)


async def test_choose_reply_keyboard_button(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="选", reply_markup={"keyboard": [["📝 记录"]]})
    await alice.choose("📝 记录", wait=False)
    assert (await api.ok("getUpdates"))[0]["message"]["text"] == "📝 记录"
    with pytest.raises(LookupError, match="not on the reply keyboard"):
        await alice.choose("设置")


async def test_events_sequence_and_wait_event(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    start = emu.seq
    assert await emu.wait_event(start, timeout=0.05) == []
    waiter = asyncio.create_task(emu.wait_event(start, timeout=2))
    await alice.send_text("hi", wait=False)
    events = await asyncio.wait_for(waiter, 1)
    assert [e.kind for e in events] == ["update"] and events[0].chat_id == 1001
    await api.ok("sendMessage", chat_id=1001, text="x", reply_markup=kb([("OK", "ok")]))
    await api.ok("editMessageText", chat_id=1001, message_id=2, text="y")
    await api.ok("sendMessage", chat_id=1001, text="z", reply_markup=kb([("Go", "go")]))
    await alice.press("Go", wait=False)
    query_id = (await api.ok("getUpdates"))[-1]["callback_query"]["id"]
    await api.ok("answerCallbackQuery", callback_query_id=query_id)
    events = emu.events_since(start)
    assert [e.kind for e in events] == ["update", "message", "edit", "message", "update", "callback_answer"]
    assert [e.seq for e in events] == list(range(start + 1, start + 7))
    assert events[2].data["text"] == "y"
