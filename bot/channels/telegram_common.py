"""What both Telegram adapters share: command parsing, message length limits, the bot's command list."""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Callable, Sequence

from bot import metrics
from bot.channels.intake import TakesUpdates
from bot.channels.telegram_text import (  # noqa: F401 - TEXT_LIMIT and visible_length are used through here too
    CAPTION_LIMIT,
    TEXT_LIMIT,
    plain_text,
    split_text,
    visible_length,
)
from handlers.kit import SETTLED, Button, FileRef, Incoming, Reply, Screen, Upload, settled_label
from handlers.reachability import membership_changed
from scheduler.delivery import PartlySent, RecipientBlocked, RetryLater

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+(?P<arg>.*))?$", re.S)


def parse_command(text: str | None, bot_username: str | None = None) -> tuple[str, str | None] | None:
    """"/start CODE" → ("start", "CODE"); "/log@other_bot" (addressed elsewhere) → None."""
    if not text or not text.startswith("/"):
        return None
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    if match["bot"] and bot_username and match["bot"].lower() != bot_username.lower().lstrip("@"):
        return None
    argument = (match["arg"] or "").strip() or None
    return match["name"].lower(), argument


def token_rejected(error: BaseException) -> bool:
    """Telegram said 401 to the token (either library's way of saying it)."""
    return type(error).__name__ in {"InvalidToken", "TelegramUnauthorizedError"}


def bad_request(description: str) -> Refusal:
    text = description.lower()
    return Refusal(not_modified="message is not modified" in text,
                   gone="message to edit not found" in text or "message can't be edited" in text)


MAX_REPLY_ATTEMPTS = 3
MAX_REPLY_WAIT = 60  # seconds; a reply later than this is worse than none


class Refusal:
    """How Telegram refused a call, whichever library raised it."""

    def __init__(self, *, retry_after: float | None = None, blocked: bool = False, not_modified: bool = False,
                 gone: bool = False) -> None:
        self.retry_after, self.blocked, self.not_modified, self.gone = retry_after, blocked, not_modified, gone


def files_of(message: Any) -> tuple[FileRef, ...]:
    """The photo (largest size) or document of a message; both libraries mirror the Bot API's fields."""
    if message.photo:
        biggest = message.photo[-1]
        return (FileRef("photo", biggest.file_id, biggest.file_unique_id, size=biggest.file_size),)
    if message.document:
        d = message.document
        return (FileRef("document", d.file_id, d.file_unique_id, d.file_name, d.mime_type, d.file_size),)
    return ()


class TelegramChannel(TakesUpdates):
    """What both adapters do the same way: Telegram updates in as Incoming, Screens out, refusals read.

    An adapter supplies the library's calls (send_text, send_file, edit_text, answer_button, set_commands,
    and those of `TakesUpdates`) and `refusal()`, which tells Telegram's refusals apart
    whichever library raised them.
    """

    engine: Any  # handlers.engine.Engine
    username: str | None = None
    update_scope: str = "telegram"
    def scope_for(self, token: str) -> str:
        return f"telegram:{token.split(':', 1)[0]}"  # update ids are per bot; the bot id starts the token

    async def send_text(self, chat_id: int, text: str, screen: Screen | None) -> None:
        raise NotImplementedError

    async def send_file(self, chat_id: int, file: FileRef, caption: str | None, screen: Screen) -> None:
        raise NotImplementedError

    async def send_upload(self, chat_id: int, upload: Upload, caption: str | None, screen: Screen) -> None:
        """Sends a file the bot made (bytes) as a photo or a document."""
        raise NotImplementedError

    async def _send_file_or_upload(self, chat_id: int, screen: Screen, caption: str | None) -> None:
        if screen.upload is not None:
            await self.send_upload(chat_id, screen.upload, caption, screen)
        else:
            assert screen.attachment is not None
            await self.send_file(chat_id, screen.attachment, caption, screen)

    async def edit_text(self, chat_id: int, message_id: int, text: str, screen: Screen | None) -> None:
        raise NotImplementedError

    async def answer_button(self, query: Any, text: str | None) -> None:
        raise NotImplementedError

    async def edit_buttons(self, chat_id: int, message_id: int, screen: Screen) -> None:
        """Replaces only the buttons of a message (editMessageReplyMarkup)."""
        raise NotImplementedError

    async def set_commands(self, commands: list[tuple[str, str]], language_code: str | None) -> None:
        raise NotImplementedError

    def refusal(self, error: Exception) -> Refusal | None:
        """A Telegram refusal, or None for anything else (which then propagates)."""
        raise NotImplementedError

    async def announce_commands(self) -> None:
        for language, code in (("zh_CN", None), ("en", "en")):
            await self.set_commands(self.engine.bot_commands(language), code)

    async def on_private_message(self, message: Any, user: Any, update_id: int) -> None:
        command = parse_command(message.text, self.username)
        incoming = Incoming(
            user_id=user.id, chat_id=message.chat.id, language=user.language_code,
            text=None if command else (message.text if message.text is not None else message.caption),
            command=command[0] if command else None, argument=command[1] if command else None,
            files=files_of(message), update_id=update_id, update_scope=self.update_scope)
        kind = "command" if command else "file" if incoming.files else "text"
        with metrics.handling(kind) as outcome:
            reply = await self.engine.handle(incoming)
            if not self._repeated_failure(reply, update_id):
                await self.show(message.chat.id, reply)
            outcome(reply.outcome)

    async def on_button_press(self, query: Any, update_id: int) -> None:
        chat_id = query.message.chat.id if query.message else query.from_user.id
        message_id = query.message.message_id if query.message else None
        incoming = Incoming(user_id=query.from_user.id, chat_id=chat_id, language=query.from_user.language_code,
                            payload=query.data or "", message_id=message_id, update_id=update_id,
                            update_scope=self.update_scope)
        with metrics.handling("button") as outcome:
            reply = await self.engine.handle(incoming)
            if self._repeated_failure(reply, update_id):
                outcome(reply.outcome)
                return
            try:
                await self.answer_button(query, reply.toast)
            except Exception as error:  # answered too late: the screens below still matter
                if self.refusal(error) is None:
                    raise
                log.info("callback answer failed: %s", error)
            if reply.settle and message_id is not None:
                await self._settle(chat_id, message_id, _label_of(query))
            await self.show(chat_id, reply, message_id)
            outcome(reply.outcome)

    async def _settle(self, chat_id: int, message_id: int, label: str | None) -> None:
        """An answered question keeps only "✓ <what was chosen>", so its old buttons cannot act again."""
        screen = Screen("", buttons=((Button(settled_label(label), SETTLED),),) if label else ())
        try:
            await self.edit_buttons(chat_id, message_id, screen)
        except Exception as error:
            if self.refusal(error) is None:
                raise
            log.info("could not settle message %s: %s", message_id, error)

    async def on_membership(self, change: Any, update_id: int) -> None:
        """my_chat_member in a private chat: "kicked" is the user blocking the bot, "member" unblocking it."""
        status = str(getattr(change.new_chat_member.status, "value", change.new_chat_member.status))
        if change.chat.type != "private" or status not in ("kicked", "member"):
            return
        await membership_changed(self.engine.services, channel="telegram", user_id=change.from_user.id,
                                 blocked=status == "kicked", update_id=update_id, update_scope=self.update_scope)

    async def show(self, chat_id: int, reply: Reply, tapped: int | None = None) -> None:
        for screen in reply.screens:
            for attempt in range(MAX_REPLY_ATTEMPTS):
                try:
                    if screen.replace and tapped is not None and await self._edit(chat_id, tapped, screen):
                        tapped = None  # only the tapped message can be replaced, and once
                    else:
                        await self._send(chat_id, screen)
                    metrics.sent("reply", "sent")
                    break
                except Exception as error:
                    refusal = self.refusal(error)
                    metrics.sent("reply", _result_of(refusal))
                    if refusal is None:
                        raise
                    if refusal.blocked:
                        log.info("chat %s blocked the bot", chat_id)
                        return
                    if refusal.retry_after is None or attempt + 1 == MAX_REPLY_ATTEMPTS \
                            or refusal.retry_after > MAX_REPLY_WAIT:
                        log.warning("a screen for chat %s was refused (%s); showing the rest", chat_id, error)
                        break
                    await asyncio.sleep(refusal.retry_after)

    async def _edit(self, chat_id: int, message_id: int, screen: Screen) -> bool:
        """Puts the screen in place of the tapped message; False when it cannot, and it is sent anew instead."""
        first, *rest = split_text(screen.text)
        try:
            await self.edit_text(chat_id, message_id, first, None if rest else screen)
        except Exception as error:
            refusal = self.refusal(error)
            if refusal is not None and refusal.not_modified:
                return True
            if refusal is not None and (refusal.gone or _content_refused(refusal)):
                return False  # a new message, with the plain-text fallback, rather than nothing
            raise
        await self._send_parts(chat_id, rest, screen)
        return True

    async def _send(self, chat_id: int, screen: Screen) -> None:
        if screen.attachment is not None and screen.attachment.file_id.startswith("dt:"):
            # Sent on DingTalk: Telegram cannot fetch it, so the screen names it instead.
            name = screen.attachment.file_name or ("🖼" if screen.attachment.kind == "photo" else "📄")
            screen = Screen(f"{screen.text}\n📎 {name}".strip(), screen.buttons, menu=screen.menu)
        if screen.attachment is not None or screen.upload is not None:
            caption = screen.text if visible_length(screen.text) <= CAPTION_LIMIT else None
            if screen.text and caption is None:
                await self._send(chat_id, Screen(screen.text))
            try:
                await self._send_file_or_upload(chat_id, screen, caption or None)
            except Exception as error:
                if not caption or not _content_refused(self.refusal(error)):
                    raise
                log.warning("a caption for chat %s was refused (%s); sending it apart", chat_id, error)
                await self._send(chat_id, Screen(caption))
                await self._send_file_or_upload(chat_id, screen, None)
            return
        await self._send_parts(chat_id, split_text(screen.text), screen)

    async def _send_parts(self, chat_id: int, chunks: Sequence[str], screen: Screen, *, skip: int = 0,
                          sent: Callable[[int], None] = lambda count: None) -> None:
        """A screen's text in parts, one message each, its buttons under the last; the first `skip` parts went
        out before. `sent` hears how many parts are out after each one."""
        for i in range(skip, len(chunks)):
            await self._send_part(chat_id, chunks[i], screen if i == len(chunks) - 1 else None)
            sent(i + 1)

    async def _send_part(self, chat_id: int, text: str, screen: Screen | None) -> None:
        """One message. Refused for its length or markup, it goes again as plain text in smaller parts, and
        if its buttons are what Telegram refuses, without them: the user always gets the words."""
        try:
            await self.send_text(chat_id, text, screen)
            return
        except Exception as error:
            if not _content_refused(self.refusal(error)):
                raise
            log.warning("a message for chat %s was refused (%s); sending it as plain text", chat_id, error)
        pieces = split_text(plain_text(text), TEXT_LIMIT // 2)
        for i, piece in enumerate(pieces):
            markup = screen if i == len(pieces) - 1 else None
            try:
                await self.send_text(chat_id, piece, markup)
            except Exception as error:
                if markup is None or not _content_refused(self.refusal(error)):
                    raise
                log.warning("buttons for chat %s were refused (%s); sending the text alone", chat_id, error)
                await self.send_text(chat_id, piece, None)

    async def send_notice(self, chat_id: int, text: str, buttons: list[Any], *, skip: int = 0) -> None:
        """The outbox's way out: Telegram's refusals become the scheduler's vocabulary.

        A long notice goes out in parts; `skip` parts went out on an earlier try and are not sent again.
        When a later part fails, PartlySent says how many are out, so the retry goes on from there.
        """
        screen = Screen(text, buttons=tuple(tuple(Button(label, payload) for label, payload in row) for row in buttons))
        out = skip

        def sent(count: int) -> None:
            nonlocal out
            out = count

        try:
            await self._send_parts(chat_id, split_text(screen.text), screen, skip=skip, sent=sent)
        except Exception as error:
            refusal = self.refusal(error)
            metrics.sent("notice", _result_of(refusal))
            said: Exception = error
            if refusal is not None and refusal.retry_after is not None:
                said = RetryLater(refusal.retry_after)
            elif refusal is not None and refusal.blocked:
                said = RecipientBlocked(str(error))
            if out > 0:
                raise PartlySent(out, said) from error
            if said is error:
                raise
            raise said from error
        metrics.sent("notice", "sent")


def _content_refused(refusal: Refusal | None) -> bool:
    """Telegram refused what was sent (too long, markup it cannot parse, buttons), not the chat or the pace."""
    return refusal is not None and refusal.retry_after is None and not refusal.blocked and not refusal.gone \
        and not refusal.not_modified


def _label_of(query: Any) -> str | None:
    markup = getattr(query.message, "reply_markup", None) if query.message else None
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row:
            if getattr(button, "callback_data", None) == query.data:
                return str(button.text)
    return None


def _result_of(refusal: Refusal | None) -> str:
    if refusal is None:
        return "error"
    return "429" if refusal.retry_after is not None else "403" if refusal.blocked else "400"
