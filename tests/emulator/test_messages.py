"""Message methods of the emulator over HTTP: validation, keyboards, edits, callbacks and faults."""

from __future__ import annotations

import time

import aiohttp
import pytest

from bot.emulator import ApiError, BotApiEmulator

from .helpers import Api

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
KEYBOARD = {"inline_keyboard": [[{"text": "✅ 提交", "callback_data": "log:submit"},
                                 {"text": "官网", "url": "https://example.com"}]]}


@pytest.mark.parametrize("transport", ["json", "form", "multipart", "query"])
async def test_send_message_over_every_transport(emu: BotApiEmulator, api: Api, transport: str) -> None:
    alice = emu.user(1001, "王小明")
    result = await api.ok("sendMessage", transport, chat_id=1001, text="<b>你好</b>，世界", parse_mode="HTML",
                          reply_markup=KEYBOARD)
    assert result["message_id"] == 1 and isinstance(result["date"], int)
    assert result["from"] == {"id": 123, "is_bot": True, "first_name": "英才计划助手",
                              "username": "yingcai_test_bot"}
    assert result["chat"] == {"id": 1001, "type": "private", "first_name": "王小明"}
    assert result["text"] == "你好，世界"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert result["reply_markup"] == KEYBOARD
    assert alice.last.html == "<b>你好</b>，世界"
    assert alice.last.buttons == [[("✅ 提交", "log:submit"), ("官网", "https://example.com")]]
    method, params, _ = emu.calls[-1]
    assert method == "sendMessage" and str(params["chat_id"]) == "1001"
    assert params["reply_markup"] == KEYBOARD  # form-encoded JSON is decoded


async def test_method_names_are_case_insensitive_and_calls_are_recorded(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    await api.ok("SENDMESSAGE", chat_id=1001, text="x")
    await api.ok("getme", "query")
    assert [c.method for c in emu.calls] == ["sendMessage", "getMe"]
    assert emu.calls[0].at <= emu.calls[1].at
    assert "entities" not in (await api.ok("sendMessage", chat_id=1001, text="plain"))


async def test_envelopes_for_bad_token_and_unknown_method(emu: BotApiEmulator, api: Api) -> None:
    assert await api("getMe", token="123:WRONG") == (
        401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert await api("sendTelepathy") == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


@pytest.mark.parametrize("params, description", [
    ({"chat_id": 999, "text": "x"}, "Bad Request: chat not found"),
    ({"chat_id": "@someone", "text": "x"}, "Bad Request: chat not found"),
    ({"text": "x"}, "Bad Request: chat_id is empty"),
    ({"chat_id": 1001, "text": ""}, "Bad Request: message text is empty"),
    ({"chat_id": 1001, "text": " \n "}, "Bad Request: message text is empty"),
    ({"chat_id": 1001, "text": "<b></b>", "parse_mode": "HTML"}, "Bad Request: message text is empty"),
    ({"chat_id": 1001, "text": "a" * 4097}, "Bad Request: message is too long"),
    ({"chat_id": 1001, "text": "<div>x</div>", "parse_mode": "HTML"},
     'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0'),
    ({"chat_id": 1001, "text": "3 < 5", "parse_mode": "html"},
     'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'),
    ({"chat_id": 1001, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "t", "callback_data": "x" * 65}]]}},
     "Bad Request: BUTTON_DATA_INVALID"),
    ({"chat_id": 1001, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "t", "callback_data": "数" * 22}]]}},
     "Bad Request: BUTTON_DATA_INVALID"),
    ({"chat_id": 1001, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "t", "callback_data": ""}]]}},
     "Bad Request: BUTTON_DATA_INVALID"),
    ({"chat_id": 1001, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "t"}]]}},
     "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
    ({"chat_id": 1001, "text": "x", "reply_to_message_id": 77}, "Bad Request: message to be replied not found"),
])
async def test_send_message_validation(emu: BotApiEmulator, api: Api, params: dict, description: str) -> None:
    emu.user(1001)
    assert await api.error("sendMessage", **params) == (400, description)
    assert emu.chat_messages(1001) == []


async def test_length_and_data_limits_are_inclusive(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    # Markup does not count towards the 4096 limit; 64 bytes of callback data are fine.
    await api.ok("sendMessage", chat_id=1001, text="<b>" + "字" * 4096 + "</b>", parse_mode="HTML",
                 reply_markup={"inline_keyboard": [[{"text": "t", "callback_data": "a" * 64}]]})
    assert len(alice.last.text) == 4096
    assert alice.last.buttons == [[("t", "a" * 64)]]


async def test_surrounding_whitespace_is_trimmed(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    result = await api.ok("sendMessage", chat_id=1001, text="\n <b>标题</b>\n\n", parse_mode="HTML")
    assert (result["text"], result["entities"]) == ("标题", [{"type": "bold", "offset": 0, "length": 2}])


async def test_reply_keyboard_state(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    assert alice.reply_keyboard is None
    result = await api.ok("sendMessage", "form", chat_id=1001, text="选择", reply_markup={
        "keyboard": [["📝 记录", {"text": "📊 进度"}], [{"text": "⚙️ 设置"}]], "is_persistent": True,
        "resize_keyboard": True, "input_field_placeholder": "请选择"})
    assert "reply_markup" not in result  # Telegram only echoes inline keyboards
    assert alice.reply_keyboard == [["📝 记录", "📊 进度"], ["⚙️ 设置"]]
    assert alice.reply_keyboard_markup["input_field_placeholder"] == "请选择"
    await api.ok("sendMessage", chat_id=1001, text="inline", reply_markup=KEYBOARD)
    assert alice.reply_keyboard is not None  # inline keyboards leave the reply keyboard alone
    await api.ok("sendMessage", chat_id=1001, text="bye", reply_markup={"remove_keyboard": True})
    assert alice.reply_keyboard is None


async def test_reply_to_a_user_message(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await alice.send_text("问题", wait=False)
    result = await api.ok("sendMessage", chat_id=1001, text="答复", reply_parameters={"message_id": 1})
    assert result["reply_to_message"]["text"] == "问题"
    assert alice.last.reply_to_message_id == 1


async def test_edit_message_text(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    sent = await api.ok("sendMessage", chat_id=1001, text="第一版", reply_markup=KEYBOARD)
    edit = {"chat_id": 1001, "message_id": sent["message_id"]}

    assert await api.error("editMessageText", **edit, text="第一版", reply_markup=KEYBOARD) == (400, NOT_MODIFIED)
    result = await api.ok("editMessageText", **edit, text="<i>第二版</i>", parse_mode="HTML", reply_markup=KEYBOARD)
    assert result["text"] == "第二版" and isinstance(result["edit_date"], int)
    assert result["reply_markup"] == KEYBOARD
    # The same visible text with different markup is a modification; omitting markup removes it.
    result = await api.ok("editMessageText", "form", **edit, text="<i>第二版</i>", parse_mode="HTML")
    assert "reply_markup" not in result
    assert await api.error("editMessageText", **edit, text="<i>第二版</i>", parse_mode="HTML") == (400, NOT_MODIFIED)
    assert (alice.last.text, alice.last.edits, alice.last.buttons) == ("第二版", ["第一版"], [])


async def test_edit_message_caption(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendDocument", "multipart", files={"document": ("a.txt", b"x")}, chat_id=1001, caption="旧")
    result = await api.ok("editMessageCaption", chat_id=1001, message_id=1, caption="<b>新</b>", parse_mode="HTML")
    assert (result["caption"], result["caption_entities"][0]["type"]) == ("新", "bold")
    assert (alice.last.text, alice.last.edits) == ("新", ["旧"])
    assert await api.error("editMessageText", chat_id=1001, message_id=1, text="x") == (
        400, "Bad Request: there is no text in the message to edit")


async def test_edit_errors(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await alice.send_text("user message", wait=False)
    assert await api.error("editMessageText", chat_id=1001, message_id=99, text="x") == (
        400, "Bad Request: message to edit not found")
    assert await api.error("editMessageText", chat_id=1001, message_id=1, text="x") == (
        400, "Bad Request: message can't be edited")
    assert await api.error("editMessageText", chat_id=5, message_id=1, text="x") == (
        400, "Bad Request: chat not found")


async def test_edit_message_reply_markup(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    sent = await api.ok("sendMessage", chat_id=1001, text="t", reply_markup=KEYBOARD)
    edit = {"chat_id": 1001, "message_id": sent["message_id"]}
    assert await api.error("editMessageReplyMarkup", **edit, reply_markup=KEYBOARD) == (400, NOT_MODIFIED)
    new = {"inline_keyboard": [[{"text": "撤销", "callback_data": "undo"}]]}
    assert (await api.ok("editMessageReplyMarkup", "multipart", **edit, reply_markup=new))["reply_markup"] == new
    assert alice.last.button_texts() == ["撤销"] and alice.last.edits == []
    assert "reply_markup" not in await api.ok("editMessageReplyMarkup", **edit)
    assert await api.error("editMessageReplyMarkup", **edit) == (400, NOT_MODIFIED)


async def test_callback_query_answer_rules(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("sendMessage", chat_id=1001, text="确认？", reply_markup=KEYBOARD)
    await alice.press("✅ 提交", wait=False)
    query = (await api.ok("getUpdates"))[0]["callback_query"]
    assert query["data"] == "log:submit" and query["from"]["id"] == 1001
    assert query["message"]["message_id"] == 1 and query["message"]["reply_markup"] == KEYBOARD
    assert isinstance(query["id"], str) and isinstance(query["chat_instance"], str)

    assert await api.ok("answerCallbackQuery", "form", callback_query_id=query["id"], text="已提交",
                        show_alert=True) is True
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert await api.error("answerCallbackQuery", callback_query_id=query["id"]) == (400, too_old)
    assert await api.error("answerCallbackQuery", callback_query_id="12345") == (400, too_old)
    assert [(a.text, a.show_alert) for a in alice.callback_answers] == [("已提交", True)]


async def test_injected_429_with_retry_after(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    emu.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 2", retry_after=2)
    assert await api("sendMessage", chat_id=1001, text="x") == (429, {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 2",
        "parameters": {"retry_after": 2}})
    assert emu.chat_messages(1001) == []  # failed calls have no effect
    await api.ok("sendMessage", chat_id=1001, text="x")


async def test_injection_counts_and_chat_filter(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    emu.user(1002)
    emu.fail_next("sendmessage", error_code=500, times=2, chat_id=1002)
    emu.fail_next("getMe", error=ApiError.flood(7))
    await api.ok("sendMessage", chat_id=1001, text="other chat unaffected")
    for _ in range(2):
        assert await api.error("sendMessage", chat_id=1002, text="x") == (500, "Internal Server Error")
    await api.ok("sendMessage", chat_id=1002, text="third works")
    status, body = await api("getMe")
    assert (status, body["parameters"]) == (429, {"retry_after": 7})
    await api.ok("getMe")


async def test_blocked_user_gets_403(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await alice.send_photo(b"jpeg", wait=False)
    photo_id = (await api.ok("getUpdates"))[0]["message"]["photo"][-1]["file_id"]
    emu.block(1001)
    for method, params in [("sendMessage", {"text": "x"}), ("sendChatAction", {"action": "typing"}),
                           ("sendPhoto", {"photo": photo_id})]:
        assert await api.error(method, chat_id=1001, **params) == (403, "Forbidden: bot was blocked by the user")
    emu.unblock(1001)
    await api.ok("sendMessage", chat_id=1001, text="x")
    assert len(alice.messages) == 1


async def test_latency_injection(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    emu.set_latency(0.2, "sendMessage")
    started = time.monotonic()
    await api.ok("getMe")
    assert time.monotonic() - started < 0.15
    await api.ok("sendMessage", chat_id=1001, text="slow")
    assert time.monotonic() - started >= 0.2


async def test_dropped_connection(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    emu.drop_next("sendMessage")
    with pytest.raises(aiohttp.ClientError):
        await api("sendMessage", chat_id=1001, text="x")
    await api.ok("sendMessage", chat_id=1001, text="x")


async def test_commands_per_language(emu: BotApiEmulator, api: Api) -> None:
    zh = [{"command": "start", "description": "开始"}, {"command": "log", "description": "记录"}]
    en = [{"command": "start", "description": "Start"}]
    assert await api.ok("setMyCommands", "form", commands=zh) is True
    await api.ok("setMyCommands", commands=en, language_code="en")
    assert await api.ok("getMyCommands") == zh
    assert await api.ok("getMyCommands", language_code="en") == en
    assert emu.get_commands("en") == en
    for bad in ([{"command": "Bad-Cmd", "description": "x"}], [1]):
        assert await api.error("setMyCommands", commands=bad) == (400, "Bad Request: BOT_COMMAND_INVALID")


async def test_chat_action_delete_and_harmless_methods(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    assert await api.ok("sendChatAction", chat_id=1001, action="typing") is True
    assert await api.error("sendChatAction", chat_id=1001, action="dancing") == (
        400, "Bad Request: wrong parameter action in request")
    assert alice.chat_actions == ["typing"]
    sent = await api.ok("sendMessage", chat_id=1001, text="临时")
    assert await api.ok("deleteMessage", chat_id=1001, message_id=sent["message_id"]) is True
    assert alice.messages == []
    assert await api.error("deleteMessage", chat_id=1001, message_id=sent["message_id"]) == (
        400, "Bad Request: message to delete not found")
    assert await api.ok("close") is True and await api.ok("logOut") is True
