"""The alternative channel: Telegram through python-telegram-bot 22, as thin as the aiogram one."""
from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.channels.intake import POLLING, Intake, record_error
from bot.channels.polling import Poller
from bot.channels.telegram_common import ALLOWED_UPDATES, Refusal, TelegramChannel, bad_request
from handlers.engine import Engine
from handlers.kit import FileRef, Screen, Upload

log = logging.getLogger(__name__)


def _markup(screen: Screen | None) -> Any:
    if screen is None:
        return None
    if screen.buttons:
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload, url=b.url) for b in row]
                                     for row in screen.buttons])
    if screen.menu == ():
        return ReplyKeyboardRemove()
    if screen.menu:
        return ReplyKeyboardMarkup([list(row) for row in screen.menu], resize_keyboard=True, is_persistent=True)
    return None


def _chat_of(update: Update) -> int:
    chat = update.effective_chat
    return chat.id if chat else 0


class PtbChannel(TelegramChannel):
    name = "ptb"

    def __init__(self, *, token: str, api_url: str, engine: Engine, poll_timeout: int = 25,
                 intake: Intake = POLLING) -> None:
        self.engine, self.intake = engine, intake
        self.update_scope = self.scope_for(token)
        self.app: Application = (
            ApplicationBuilder().token(token)
            .base_url(f"{api_url}/bot").base_file_url(f"{api_url}/file/bot")
            .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
            .get_updates_read_timeout(poll_timeout + 15)
            .updater(None)  # our Poller fetches, so updates are confirmed only after handling
            .build())
        self.app.add_handler(MessageHandler(filters.ChatType.PRIVATE, self.on_message))
        self.app.add_handler(CallbackQueryHandler(self.on_button))
        self.app.add_handler(ChatMemberHandler(self.on_member, ChatMemberHandler.MY_CHAT_MEMBER))
        self.app.add_error_handler(self._on_error)
        self.poller: Poller[Update] = Poller(self._fetch, self.app.process_update, update_id=lambda u: u.update_id,
                                             chat_of=_chat_of, timeout=poll_timeout)

    @property
    def bot(self) -> Any:
        return self.app.bot

    @property
    def username(self) -> str | None:
        return self.app.bot.username if self.app.bot._bot_user else None  # noqa: SLF001 - set by initialize()

    async def start(self) -> None:
        await self.app.initialize()  # getMe
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
        await self.app.process_update(Update.de_json(data, self.bot))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """python-telegram-bot keeps a handler's exception to itself: log it, and let a webhook answer 500."""
        if context.error is not None:
            log.error("update %s could not be handled", getattr(update, "update_id", "?"),
                      exc_info=(type(context.error), context.error, context.error.__traceback__))
            record_error(context.error)

    async def close(self) -> None:
        await self.app.shutdown()

    async def _fetch(self, offset: int | None, timeout: int) -> tuple[Update, ...]:
        return await self.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES,
                                          read_timeout=timeout + 15)

    async def on_message(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.effective_user is not None:
            await self.on_private_message(update.message, update.effective_user, update.update_id)

    async def on_button(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await self.on_button_press(update.callback_query, update.update_id)

    async def on_member(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.my_chat_member is not None:
            await self.on_membership(update.my_chat_member, update.update_id)

    async def answer_button(self, query: Any, text: str | None) -> None:
        await query.answer(text=text)

    async def set_commands(self, commands: list[tuple[str, str]], language_code: str | None) -> None:
        await self.bot.set_my_commands([BotCommand(c, d) for c, d in commands], language_code=language_code)

    async def send_text(self, chat_id: int, text: str, screen: Screen | None) -> None:
        await self.bot.send_message(chat_id, text, reply_markup=_markup(screen))

    async def send_file(self, chat_id: int, file: FileRef, caption: str | None, screen: Screen) -> None:
        if file.kind == "photo":
            await self.bot.send_photo(chat_id, file.file_id, caption=caption, reply_markup=_markup(screen))
        else:
            await self.bot.send_document(chat_id, file.file_id, caption=caption, reply_markup=_markup(screen))

    async def send_upload(self, chat_id: int, upload: Upload, caption: str | None, screen: Screen) -> None:
        file = InputFile(upload.data, filename=upload.name)
        if upload.kind == "photo":
            await self.bot.send_photo(chat_id, file, caption=caption, reply_markup=_markup(screen))
        else:
            await self.bot.send_document(chat_id, file, caption=caption, reply_markup=_markup(screen))

    async def edit_text(self, chat_id: int, message_id: int, text: str, screen: Screen | None) -> None:
        # Only inline buttons can go on an edited message; no markup clears the old buttons.
        await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                         reply_markup=_markup(screen) if screen and screen.buttons else None)

    async def edit_buttons(self, chat_id: int, message_id: int, screen: Screen) -> None:
        await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=_markup(screen))

    def refusal(self, error: Exception) -> Refusal | None:
        if isinstance(error, RetryAfter):
            with warnings.catch_warnings():  # ptb 22 announces a float → timedelta change; both are read below
                warnings.simplefilter("ignore")
                retry = error.retry_after
            return Refusal(retry_after=retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry))
        if isinstance(error, Forbidden):
            return Refusal(blocked=True)
        if isinstance(error, BadRequest):
            return bad_request(error.message)
        return None
