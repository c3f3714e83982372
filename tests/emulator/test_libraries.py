"""Real aiogram and python-telegram-bot clients against the emulator, proving both parse its answers."""

from __future__ import annotations

import asyncio

import pytest
import telegram
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.emulator import BotApiEmulator

from .helpers import TOKEN

PHOTO = b"\xff\xd8\xff\xe0fake-jpeg" * 50


def aiogram_bot(emu: BotApiEmulator) -> Bot:
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))


def ptb_bot(emu: BotApiEmulator) -> telegram.Bot:
    return telegram.Bot(TOKEN, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot")


async def test_aiogram_round_trip(emu: BotApiEmulator) -> None:
    alice = emu.user(1001, "王小明")
    bot = aiogram_bot(emu)
    try:
        me = await bot.get_me()
        assert (me.id, me.username, me.first_name, me.is_bot) == (123, "yingcai_test_bot", "英才计划助手", True)
        button = InlineKeyboardButton(text="✅ 提交", callback_data="log:submit")
        markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        sent = await bot.send_message(1001, "<b>今日</b>记录", parse_mode="HTML", reply_markup=markup)
        assert sent.text == "今日记录" and sent.entities[0].type == "bold"
        assert sent.reply_markup.inline_keyboard[0][0].callback_data == "log:submit"

        await alice.press("✅ 提交", wait=False)
        updates = await bot.get_updates(timeout=1)
        query = updates[0].callback_query
        assert query.data == "log:submit" and query.from_user.id == 1001 and query.message.message_id == sent.message_id
        assert await bot.answer_callback_query(query.id, text="好的")
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        assert emu.confirmed_offset == updates[-1].update_id + 1
        assert alice.callback_answers[0].text == "好的"

        edited = await bot.edit_message_text("已提交", chat_id=1001, message_id=sent.message_id)
        assert edited.text == "已提交" and edited.edit_date is not None
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_text("已提交", chat_id=1001, message_id=sent.message_id)

        photo = await bot.send_photo(1001, BufferedInputFile(PHOTO, "p.jpg"), caption="图")
        file = await bot.get_file(photo.photo[-1].file_id)
        assert (await bot.download_file(file.file_path)).read() == PHOTO

        emu.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 2", retry_after=2)
        with pytest.raises(TelegramRetryAfter) as flood:
            await bot.send_message(1001, "x")
        assert flood.value.retry_after == 2
        emu.block(1001)
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(1001, "x")
    finally:
        await bot.session.close()


async def test_aiogram_dispatcher_polling(emu: BotApiEmulator) -> None:
    alice = emu.user(1001, "王小明")
    bot = aiogram_bot(emu)
    dp = Dispatcher()

    @dp.message(CommandStart(deep_link=True))
    async def start(message: Message) -> None:
        await message.answer(f"欢迎 {message.from_user.first_name}，邀请码 {message.text.split()[1]}")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        await alice.send_command("start", "CODE123")
        await alice.wait_for(lambda messages: bool(messages), timeout=5)
        assert alice.last.text == "欢迎 王小明，邀请码 CODE123"
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


# ptb 22 warns about its own int-vs-timedelta transition when building RetryAfter.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_round_trip(emu: BotApiEmulator) -> None:
    alice = emu.user(1001, "王小明")
    async with ptb_bot(emu) as bot:  # initialize() calls getMe
        assert (bot.id, bot.username) == (123, "yingcai_test_bot")
        markup = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("✅ 提交", callback_data="log:submit")]])
        sent = await bot.send_message(1001, "<i>进度</i> 50%", parse_mode="HTML", reply_markup=markup)
        assert sent.text == "进度 50%" and sent.entities[0].type == "italic"
        assert sent.reply_markup.inline_keyboard[0][0].callback_data == "log:submit"

        await alice.send_text("你好", wait=False)
        await alice.press("✅ 提交", wait=False)
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message.text == "你好" and updates[0].message.from_user.language_code == "zh-hans"
        assert updates[1].callback_query.data == "log:submit"
        assert await bot.answer_callback_query(updates[1].callback_query.id)
        assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()

        await alice.send_document("实验数据".encode(), file_name="数据.csv", mime_type="text/csv", wait=False)
        document = (await bot.get_updates(timeout=1))[0].message.document
        assert (document.file_name, document.mime_type) == ("数据.csv", "text/csv")
        file = await bot.get_file(document.file_id)
        assert bytes(await file.download_as_bytearray()) == "实验数据".encode()

        uploaded = await bot.send_photo(1001, PHOTO, caption="上传")
        file = await bot.get_file(uploaded.photo[0].file_id)
        assert bytes(await file.download_as_bytearray()) == PHOTO

        emu.fail_next("sendMessage", error_code=429, retry_after=3)
        with pytest.raises(telegram.error.RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(1001, "x")
        emu.block(1001)
        with pytest.raises(telegram.error.Forbidden):
            await bot.send_message(1001, "x")
        with pytest.raises(telegram.error.BadRequest, match="Chat not found"):
            await bot.send_message(424242, "x")


async def test_ptb_application_polling(emu: BotApiEmulator) -> None:
    """CommandHandler only fires when the bot_command entity is right, so this checks it too."""
    alice = emu.user(1001, "王小明")

    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"args={context.args}")

    app = (Application.builder().token(TOKEN).base_url(f"{emu.url}/bot")
           .base_file_url(f"{emu.url}/file/bot").build())
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await alice.send_command("start", "CODE123")
            await alice.wait_for(lambda messages: bool(messages), timeout=5)
            assert alice.last.text == "args=['CODE123']"
        finally:
            await app.updater.stop()
            await app.stop()
