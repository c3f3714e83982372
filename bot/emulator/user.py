"""Test-side fake Telegram user that talks to the bot through a BotApiEmulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .html import utf16_len
from .model import BotMessage, CallbackAnswer, Chat
from .world import World

__all__ = ["FakeUser"]

# Telegram marks /commands server-side; ptb's CommandHandler relies on that entity.
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


class FakeUser:
    """A private-chat user. Sends wait until the bot confirms the update (its handling sync point).

    It acts only through the world's public API, as a phone acts only through Telegram.
    """

    def __init__(self, world: World, chat: Chat, timeout: float = 10.0) -> None:
        self.world = world
        self.chat = chat
        self.info = chat.user
        self.id: int = chat.id
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.info['first_name']!r})"

    # ---- reading what the bot sent ------------------------------------------------------------------

    @property
    def messages(self) -> list[BotMessage]:
        return self.chat.messages

    @property
    def last(self) -> BotMessage:
        messages = self.messages
        if not messages:
            raise LookupError(f"the bot has sent nothing to {self!r}")
        return messages[-1]

    def mark(self) -> int:
        return self.world.events.seq

    def inbox_since(self, mark: int) -> list[BotMessage]:
        return [m for m in self.messages if m.seq > mark]

    async def wait_for(self, predicate: Callable[[list[BotMessage]], bool],
                       timeout: float = 5.0) -> list[BotMessage]:
        if not await self.world.events.wait_until(lambda: predicate(self.messages), timeout):
            raise TimeoutError(f"condition not met within {timeout}s; bot messages to {self!r}: "
                               f"{_describe(self.messages)}")
        return self.messages

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.chat.callback_answers)

    @property
    def chat_actions(self) -> list[str]:
        return list(self.chat.chat_actions)

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        markup = self.chat.reply_keyboard
        return None if markup is None else [[b["text"] for b in row] for row in markup["keyboard"]]

    @property
    def reply_keyboard_markup(self) -> dict[str, Any] | None:
        return self.chat.reply_keyboard

    def block(self) -> int | None:
        """Blocks the bot: 403 on every send until `unblock`; the bot is told by a my_chat_member update (its id)."""
        return self.world.user_blocks(self.chat, True)

    def unblock(self) -> int | None:
        return self.world.user_blocks(self.chat, False)

    # ---- acting -------------------------------------------------------------------------------------

    async def send_text(self, text: str, *, reply_to: int | None = None, wait: bool = True,
                        timeout: float | None = None) -> int | None:
        """Send a text message; returns its update_id (None if the bot's allowed_updates drop it)."""
        entities = [{"type": "bot_command", "offset": utf16_len(text[:m.start()]),
                     "length": utf16_len(m.group())} for m in _COMMAND.finditer(text)]
        return await self._send({"text": text, **({"entities": entities} if entities else {})},
                                reply_to, wait, timeout)

    async def send_command(self, command: str, args: str | None = None, *, wait: bool = True,
                           timeout: float | None = None) -> int | None:
        return await self.send_text(f"/{command.lstrip('/')}" + (f" {args}" if args else ""),
                                    wait=wait, timeout=timeout)

    async def send_photo(self, data: bytes, caption: str | None = None, *, wait: bool = True,
                         timeout: float | None = None) -> int | None:
        media = self.world.user_uploads("photo", data)
        return await self._send({**media, **({"caption": caption} if caption else {})}, None, wait, timeout)

    async def send_document(self, data: bytes, file_name: str = "document.bin", mime_type: str | None = None,
                            caption: str | None = None, *, wait: bool = True,
                            timeout: float | None = None) -> int | None:
        media = self.world.user_uploads("document", data, file_name, mime_type)
        return await self._send({**media, **({"caption": caption} if caption else {})}, None, wait, timeout)

    async def choose(self, text: str, *, wait: bool = True, timeout: float | None = None) -> int | None:
        """Tap a button of the current reply keyboard (which sends its text)."""
        keyboard = self.reply_keyboard
        if keyboard is None or text not in [t for row in keyboard for t in row]:
            raise LookupError(f"{text!r} is not on the reply keyboard of {self!r}; keyboard: {keyboard}")
        return await self.send_text(text, wait=wait, timeout=timeout)

    async def press(self, text: str | None = None, *, callback_data: str | None = None,
                    message_id: int | None = None, wait: bool = True, timeout: float | None = None) -> int | None:
        """Press an inline button by its text (or callback_data) on the newest message showing it.

        With message_id and callback_data, sends that payload on that message even if no such
        button exists, to simulate forged or stale callbacks.
        """
        if text is None and callback_data is None:
            raise ValueError("press() needs the button text or callback_data")
        candidates = [m for m in reversed(self.messages) if message_id is None or m.message_id == message_id]
        if message_id is not None and not candidates:
            raise LookupError(f"no bot message {message_id} in the chat of {self!r}")
        target, data = None, callback_data
        for message in candidates:
            for button in (b for row in message.inline_keyboard for b in row):
                if (button["text"] == text) if text is not None else (button.get("callback_data") == callback_data):
                    if "callback_data" not in button:
                        raise LookupError(f"button {button['text']!r} is not a callback button: {button}")
                    target, data = message, callback_data if callback_data is not None else button["callback_data"]
                    break
            if target is not None:
                break
        if target is None and message_id is not None and text is None:
            target = candidates[0]
        if target is None or data is None:
            raise LookupError(f"no inline button {text or callback_data!r} for {self!r}; visible buttons: "
                              f"{_describe_buttons(self.messages)}")
        mark = self.mark()
        update_id = self.world.user_presses(self.chat, target, data)
        return await self._finish(update_id, mark, wait, timeout)

    async def _send(self, content: dict[str, Any], reply_to: int | None, wait: bool,
                    timeout: float | None) -> int | None:
        if reply_to is not None and reply_to not in self.chat.by_id:
            raise LookupError(f"no message {reply_to} in the chat of {self!r}")
        mark = self.mark()
        update_id = self.world.user_sends(self.chat, content, reply_to)
        return await self._finish(update_id, mark, wait, timeout)

    async def _finish(self, update_id: int | None, mark: int, wait: bool, timeout: float | None) -> int | None:
        if update_id is None or not wait:
            return update_id
        try:
            await self.world.updates.wait_confirmed(update_id, self.timeout if timeout is None else timeout)
        except TimeoutError as error:
            raise TimeoutError(f"{error}; the bot sent {self!r} meanwhile: "
                               f"{_describe(self.inbox_since(mark))}") from None
        return update_id


def _describe(messages: list[BotMessage]) -> str:
    if not messages:
        return "nothing"
    return "; ".join(f"#{m.message_id} {m.kind} {m.text[:80]!r}"
                     + (f" buttons={m.button_texts()}" if m.inline_keyboard else "") for m in messages)


def _describe_buttons(messages: list[BotMessage]) -> str:
    shown = [f"#{m.message_id}: " + ", ".join(f"[{t} -> {d}]" for row in m.buttons for t, d in row)
             for m in messages[-5:] if m.inline_keyboard]
    return "; ".join(shown) or "none"
