"""aiogram with its models built on first use (bot/channels/aiogram_lib.py) reads and writes as plain aiogram does."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USER = {"id": 9, "is_bot": False, "first_name": "王小明", "language_code": "zh-hans"}
CHAT = {"id": 9, "type": "private", "first_name": "王小明"}
SHOWN = {"message_id": 5, "date": 1_780_000_000, "chat": CHAT, "text": "选一项",
         "reply_markup": {"inline_keyboard": [[{"text": "阅读", "callback_data": "log:kind:reading"}]]}}
UPDATES = [
    {"update_id": 1, "message": {"message_id": 1, "date": 1_780_000_000, "chat": CHAT, "from": USER, "text": "/start x",
                                 "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}},
    {"update_id": 2, "message": {"message_id": 2, "date": 1_780_000_000, "chat": CHAT, "from": USER,
                                 "caption": "实验照片", "photo": [{"file_id": "p", "file_unique_id": "u", "width": 90,
                                                               "height": 90, "file_size": 1000}],
                                 "reply_to_message": SHOWN,
                                 "forward_origin": {"type": "user", "date": 1_780_000_000, "sender_user": USER}}},
    {"update_id": 3, "message": {"message_id": 3, "date": 1_780_000_000, "chat": CHAT, "from": USER,
                                 "document": {"file_id": "d", "file_unique_id": "v", "file_name": "报告.pdf",
                                              "mime_type": "application/pdf", "file_size": 2000}}},
    {"update_id": 4, "callback_query": {"id": "q", "from": USER, "chat_instance": "c", "data": "log:next:did",
                                        "message": SHOWN}},
    {"update_id": 5, "my_chat_member": {"chat": CHAT, "from": USER, "date": 1_780_000_000,
                                        "old_chat_member": {"status": "member", "user": USER},
                                        "new_chat_member": {"status": "kicked", "user": USER, "until_date": 0}}},
]
SCRIPT = """
import json, sys
if sys.argv[1] == "deferred":
    import bot.channels.aiogram  # noqa: F401 - the channel, as a worker imports it
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (AnswerCallbackQuery, EditMessageText, GetMe, GetUpdates, SendDocument, SendMessage,
                             SetMyCommands)
from aiogram.types import (BotCommand, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup,
                           LinkPreviewOptions, ReplyKeyboardMarkup, KeyboardButton, Update)

updates, shown = json.loads(sys.argv[2]), json.loads(sys.argv[3])
# as the bot runs: its first calls (getMe, getUpdates) are read by aiogram before any update was validated
session = AiohttpSession()
replies = [(GetMe(), {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "bot", "username": "b"}}),
           (GetUpdates(offset=1), {"ok": True, "result": updates}),
           (SendMessage(chat_id=9, text="好"), {"ok": True, "result": shown}),
           (AnswerCallbackQuery(callback_query_id="q"), {"ok": True, "result": True})]
out = {"replies": [session.check_response(None, method, 200, json.dumps(body)).model_dump(
    mode="json", exclude_none=True) for method, body in replies]}
try:
    session.check_response(None, SendMessage(chat_id=9, text="好"), 429, json.dumps({
        "ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 3}}))
except TelegramRetryAfter as error:
    out["replies"].append(error.retry_after)
out["updates"] = [Update.model_validate(u, context={"bot": None}).model_dump(mode="json", exclude_none=True)
                  for u in updates]
markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="下一步", callback_data="log:next:did")]])
menu = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="📝 写日志")]], resize_keyboard=True, is_persistent=True)
calls = [SendMessage(chat_id=9, text="<b>好</b>", reply_markup=markup,
                     link_preview_options=LinkPreviewOptions(is_disabled=True)),
         SendMessage(chat_id=9, text="菜单", reply_markup=menu),
         EditMessageText(chat_id=9, message_id=5, text="改了", reply_markup=markup),
         AnswerCallbackQuery(callback_query_id="q", text="已记下"), SetMyCommands(commands=[BotCommand(
             command="log", description="写日志")]), GetUpdates(offset=3, timeout=2),
         SendDocument(chat_id=9, document=BufferedInputFile(b"x", filename="a.xlsx"))]
out["calls"] = [repr(c.model_dump(exclude_none=True, exclude={"document"})) for c in calls]
# this process's own peak (VmHWM): ru_maxrss keeps the forking parent's across exec, the test runner's
out["rss_mib"] = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))) / 1024
print(json.dumps(out, ensure_ascii=False))
"""


def run(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode, json.dumps(UPDATES), json.dumps(SHOWN)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_updates_and_calls_read_and_write_the_same_with_models_built_on_first_use():
    plain, deferred = run("plain"), run("deferred")
    assert deferred["updates"] == plain["updates"]
    assert deferred["calls"] == plain["calls"]
    assert deferred["replies"] == plain["replies"]
    shown = deferred["updates"][3]["callback_query"]["message"]
    assert shown["reply_markup"]["inline_keyboard"][0][0]["text"] == "阅读"
    # the point of it: most of aiogram's memory was models this bot never uses
    assert deferred["rss_mib"] < plain["rss_mib"] - 50, (plain["rss_mib"], deferred["rss_mib"])


GC_SCRIPT = """
import gc, json, time, weakref
import bot.channels.aiogram  # noqa: F401 - the channel, as a worker imports it
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import GetUpdates, SendMessage

session = AiohttpSession()
shown = json.dumps({"ok": True, "result": {"message_id": 5, "date": 1780000000, "chat": {"id": 9, "type": "private"},
                                           "text": "好"}})


def send_and_read():  # as aiogram reads each reply: Response[...] is made inside a call, then dropped
    started = time.perf_counter()
    message = session.check_response(None, SendMessage(chat_id=9, text="好"), 200, shown).result
    return message, time.perf_counter() - started


message, first = send_and_read()
response_model = weakref.ref(type(session.check_response(None, GetUpdates(), 200, '{"ok": true, "result": []}')))
gc.collect()  # a full collection, as one comes now and then in a running worker
message_again, again = send_and_read()
print(json.dumps({"kept": response_model() is not None, "first_ms": first * 1000, "again_ms": again * 1000,
                  "text": message_again.text}))
"""


def test_a_garbage_collection_does_not_make_aiogram_build_its_replies_models_again():
    """Each reply's model is built once: after a collection it cost 0.2-0.35 s of the event loop again."""
    done = subprocess.run([sys.executable, "-c", GC_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["text"] == "好"
    assert result["kept"]
    assert result["again_ms"] < result["first_ms"] / 10, result
