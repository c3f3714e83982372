"""The fake Telegram's world: users and their chats, what each side sent, files, updates and events.

Bot API methods validate a request the way Telegram does and then change the world through this public
API; the test-side `FakeUser` acts through it too. Nothing here knows HTTP.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from .events import EventLog
from .files import FileStore
from .model import BotMessage, CallbackAnswer, Chat, StoredFile
from .updates import UpdateQueue
from .webhook import WebhookSender

__all__ = ["World"]


class World:
    """Chats by user id, the bot's identity and commands, files, the update queue and the event log."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.events = EventLog()
        self.files = FileStore()
        self.updates = UpdateQueue(self.events)
        self.webhook = WebhookSender(self.updates, self.events)  # idle until a bot calls setWebhook
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}  # (scope, language) -> commands
        self._chats: dict[int, Chat] = {}
        self._queries: dict[str, tuple[int, bool]] = {}  # callback query id -> (user id, answered)
        self._query_numbers = itertools.count(1)

    # ---- people and chats ---------------------------------------------------------------------------

    def add_user(self, user_id: int, first_name: str, language_code: str | None = None,
                 username: str | None = None, last_name: str | None = None) -> Chat:
        """A Telegram user who opened a private chat with the bot (the same chat when called again)."""
        if user_id not in self._chats:
            info: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
            info.update({k: v for k, v in (("last_name", last_name), ("username", username),
                                           ("language_code", language_code)) if v})
            self._chats[user_id] = Chat(info)
        return self._chats[user_id]

    def chat(self, chat_id: int) -> Chat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise KeyError(f"no chat {chat_id}; create it with emu.user({chat_id})") from None

    def find_chat(self, chat_id: int) -> Chat | None:
        return self._chats.get(chat_id)

    # ---- what a user does ---------------------------------------------------------------------------

    def user_sends(self, chat: Chat, content: dict[str, Any], reply_to: int | None = None) -> int | None:
        """The user sends a message (text, photo, document…); returns its update_id, or None if filtered out."""
        if reply_to is not None:
            if reply_to not in chat.by_id:
                raise LookupError(f"no message {reply_to} in chat {chat.id}")
            content = {**content, "reply_to_message": self.reply_dict(chat.by_id[reply_to])}
        message = {"message_id": chat.take_id(), "from": dict(chat.user), "chat": chat.as_dict(),
                   "date": int(time.time()), **content}
        chat.by_id[message["message_id"]] = message
        return self.updates.enqueue("message", message, chat.id)

    def user_uploads(self, kind: str, data: bytes, file_name: str | None = None,
                     mime_type: str | None = None) -> dict[str, Any]:
        """Stores what a user attaches and returns the message fields that carry it."""
        return self.files.media(self.files.store(kind, data, file_name, mime_type))

    def user_blocks(self, chat: Chat, blocked: bool, *, announce: bool = True) -> int | None:
        """The user blocks (or unblocks) the bot; like Telegram, the bot hears of it in a my_chat_member update.

        Returns that update's id: None when not `announce`d, or filtered out by the bot's allowed_updates.
        """
        chat.blocked = blocked
        if not announce:
            return None
        member = {"user": dict(self.bot_user), "status": "member"}
        kicked = {"user": dict(self.bot_user), "status": "kicked", "until_date": 0}
        change = {"chat": chat.as_dict(), "from": dict(chat.user), "date": int(time.time()),
                  "old_chat_member": member if blocked else kicked, "new_chat_member": kicked if blocked else member}
        return self.updates.enqueue("my_chat_member", change, chat.id)

    def user_presses(self, chat: Chat, message: BotMessage, data: str) -> int | None:
        """The user taps an inline button (or a forged payload) on `message`; returns the update_id."""
        query_id = str(4_000_000_000_000_000 + next(self._query_numbers))
        self._queries[query_id] = (chat.id, False)
        payload = {"id": query_id, "from": dict(chat.user), "message": self.message_dict(message),
                   "chat_instance": str((chat.id * 2654435761) % 2**63), "data": data}
        return self.updates.enqueue("callback_query", payload, chat.id)

    # ---- what the bot does --------------------------------------------------------------------------

    def post(self, chat: Chat, kind: str, text: str, entities: list[dict[str, Any]], html: str | None,
             markup: dict[str, Any] | None = None, reply_to: int | None = None,
             files: list[StoredFile] | None = None) -> BotMessage:
        """The bot's new message appears in the chat; a reply keyboard in it replaces the phone's keyboard."""
        main = files[-1] if files else None
        message = BotMessage(chat.id, chat.take_id(), kind, text, html, entities, int(time.time()), markup,
                             main.file_id if main else None, main.file_name if main else None,
                             main.mime_type if main else None, reply_to)
        if markup and ("keyboard" in markup or "remove_keyboard" in markup):
            chat.reply_keyboard = markup if "keyboard" in markup else None
        chat.bot_messages.append(message)
        chat.by_id[message.message_id] = message
        message.seq = self.events.emit("message", chat.id, self.message_dict(message))
        return message

    def edit(self, message: BotMessage, text: str | None, entities: list[dict[str, Any]] | None,
             html: str | None, markup: dict[str, Any] | None) -> BotMessage:
        """Changes the text (None keeps it) and the inline keyboard (None removes it), as Telegram edits do."""
        if text is not None and (text, entities or []) != (message.text, message.entities):
            message.edits.append(message.text)
            message.text, message.entities, message.html = text, entities or [], html
        if markup is not None or message.inline_keyboard:
            message.reply_markup = markup
        message.edit_date = int(time.time())
        message.seq = self.events.emit("edit", message.chat_id, self.message_dict(message))
        return message

    def delete(self, chat: Chat, message_id: int) -> bool:
        """Removes a message from the chat; False when there is no such message."""
        message = chat.by_id.pop(message_id, None)
        if message is None:
            return False
        if isinstance(message, BotMessage):
            message.deleted = True
            message.seq = self.events.emit("delete", chat.id, {"message_id": message.message_id})
        return True

    def show_action(self, chat: Chat, action: str) -> None:
        chat.chat_actions.append(action)
        self.events.emit("chat_action", chat.id, {"action": action})

    def answer_query(self, answer: CallbackAnswer) -> bool:
        """Shows the answer to a button tap; False when the query is unknown or already answered."""
        owner, answered = self._queries.get(answer.query_id, (0, True))
        if answered:
            return False
        self._queries[answer.query_id] = (owner, True)
        self._chats[owner].callback_answers.append(answer)
        self.events.emit("callback_answer", owner, answer.__dict__.copy())
        return True

    # ---- how Telegram shows a message to the bot ----------------------------------------------------

    def message_dict(self, m: BotMessage, with_reply: bool = True) -> dict[str, Any]:
        chat = self._chats[m.chat_id]
        d: dict[str, Any] = {"message_id": m.message_id, "from": dict(self.bot_user), "chat": chat.as_dict(),
                             "date": m.date}
        if m.edit_date:
            d["edit_date"] = m.edit_date
        replied = chat.by_id.get(m.reply_to_message_id) if m.reply_to_message_id and with_reply else None
        if replied is not None:
            d["reply_to_message"] = self.reply_dict(replied)
        if m.kind == "text":
            d["text"] = m.text
            if m.entities:
                d["entities"] = m.entities
        else:
            d.update(self.files.media(self.files.sizes_of(m.file_id or "")))
            if m.text:
                d["caption"] = m.text
            if m.entities:
                d["caption_entities"] = m.entities
        if m.inline_keyboard:
            d["reply_markup"] = {"inline_keyboard": m.inline_keyboard}
        return d

    def reply_dict(self, replied: BotMessage | dict[str, Any]) -> dict[str, Any]:
        # Telegram nests only one level of reply_to_message.
        if isinstance(replied, BotMessage):
            return self.message_dict(replied, with_reply=False)
        return {k: v for k, v in replied.items() if k != "reply_to_message"}
