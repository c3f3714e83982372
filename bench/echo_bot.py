"""A bare echo bot of one engine (aiogram or python-telegram-bot): the baseline the benchmark compares with."""
from __future__ import annotations

import asyncio
import os
import sys


async def aiogram_echo(token: str, api: str) -> None:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    await dp.start_polling(bot, polling_timeout=2, handle_signals=True)


def ptb_echo(token: str, api: str) -> None:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    async def echo(update: Update, _context: object) -> None:
        await update.message.reply_text(update.message.text or "?")

    app = ApplicationBuilder().token(token).base_url(f"{api}/bot").base_file_url(f"{api}/file/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=2)


if __name__ == "__main__":
    engine, token, api = sys.argv[1], os.environ["BOT_TOKEN"], os.environ["TELEGRAM_API_URL"]
    if engine == "aiogram":
        asyncio.run(aiogram_echo(token, api))
    else:
        ptb_echo(token, api)
