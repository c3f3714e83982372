"""The default channel: Telegram through aiogram 3. Turns updates into Incoming and Screens into calls."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

# isort: off
from bot.channels import aiogram_lib  # noqa: F401 - first: aiogram's models are then built on first use
# isort: on
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.channels.intake import POLLING, Intake
from bot.channels.polling import Poller
from bot.channels.telegram_common import ALLOWED_UPDATES, Refusal, TelegramChannel, bad_request
from handlers.engine import Engine
from handlers.kit import FileRef, Screen, Upload

log = logging.getLogger(__name__)


def _markup(screen: Screen | None) -> Any:
    if screen is None:
        return None
    if screen.buttons:
        return InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.payload, url=b.url) for b in row]
            for row in screen.buttons])
    if screen.menu == ():
        return ReplyKeyboardRemove()
    if screen.menu:
        return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=label) for label in row] for row in screen.menu],
                                   resize_keyboard=True, is_persistent=True)
    return None


def _chat_of(update: Update) -> int:
    if update.message is not None:
        return update.message.chat.id
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    if update.my_chat_member is not None:
        return update.my_chat_member.chat.id
    return 0


class AiogramChannel(TelegramChannel):
    name = "aiogram"

    def __init__(self, *, token: str, api_url: str, engine: Engine, poll_timeout: int = 25,
                 intake: Intake = POLLING) -> None:
        self.engine, self.intake = engine, intake
        self.update_scope = self.scope_for(token)
        self.bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)),
                       default=DefaultBotProperties(parse_mode=ParseMode.HTML,
                                                    link_preview=LinkPreviewOptions(is_disabled=True)))
        self.dispatcher = Dispatcher()
        self.dispatcher.message.register(self.on_message)
        self.dispatcher.callback_query.register(self.on_button)
        self.dispatcher.my_chat_member.register(self.on_member)
        self.poller: Poller[Update] = Poller(self._fetch, self._process, update_id=lambda u: u.update_id,
                                             chat_of=_chat_of, timeout=poll_timeout)
        self.username: str | None = None

    async def start(self) -> None:
        me = await self.bot.get_me()
        self.username = me.username
        await self.take_intake()

    async def run(self, stop: asyncio.Event) -> None:
        if self.intake.mode != "polling":
            await stop.wait()  # webhook updates arrive through the HTTP server; a sender only waits
            return
        await self.poller.run(stop)
        await self.poller.acknowledge()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                                   drop_pending_updates=False)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def process_json(self, data: dict[str, Any]) -> None:
        update = Update.model_validate(data, context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update)

    async def close(self) -> None:
        await self.bot.session.close()

    async def _fetch(self, offset: int | None, timeout: int) -> list[Update]:
        return await self.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES,
                                          request_timeout=timeout + 15)

    async def _process(self, update: Update) -> None:
        await self.dispatcher.feed_update(self.bot, update)

    async def on_message(self, message: Message, event_update: Update) -> None:
        if message.chat.type == "private" and message.from_user is not None:
            await self.on_private_message(message, message.from_user, event_update.update_id)

    async def on_button(self, query: CallbackQuery, event_update: Update) -> None:
        await self.on_button_press(query, event_update.update_id)

    async def on_member(self, change: ChatMemberUpdated, event_update: Update) -> None:
        await self.on_membership(change, event_update.update_id)

    async def answer_button(self, query: CallbackQuery, text: str | None) -> None:
        await query.answer(text=text)

    async def set_commands(self, commands: list[tuple[str, str]], language_code: str | None) -> None:
        await self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in commands],
                                       language_code=language_code)

    async def send_text(self, chat_id: int, text: str, screen: Screen | None) -> None:
        await self.bot.send_message(chat_id, text, reply_markup=_markup(screen))

    async def send_file(self, chat_id: int, file: FileRef, caption: str | None, screen: Screen) -> None:
        send = self.bot.send_photo if file.kind == "photo" else self.bot.send_document
        await send(chat_id, file.file_id, caption=caption, reply_markup=_markup(screen))

    async def send_upload(self, chat_id: int, upload: Upload, caption: str | None, screen: Screen) -> None:
        file = BufferedInputFile(upload.data, filename=upload.name)
        send = self.bot.send_photo if upload.kind == "photo" else self.bot.send_document
        await send(chat_id, file, caption=caption, reply_markup=_markup(screen))

    async def edit_text(self, chat_id: int, message_id: int, text: str, screen: Screen | None) -> None:
        # Only inline buttons can go on an edited message; no markup clears the old buttons.
        await self.bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id,
                                         reply_markup=_markup(screen) if screen and screen.buttons else None)

    async def edit_buttons(self, chat_id: int, message_id: int, screen: Screen) -> None:
        await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=_markup(screen))

    def refusal(self, error: Exception) -> Refusal | None:
        if isinstance(error, TelegramRetryAfter):
            return Refusal(retry_after=error.retry_after)
        if isinstance(error, TelegramForbiddenError):
            return Refusal(blocked=True)
        if isinstance(error, TelegramBadRequest):
            return bad_request(error.message)
        return None
