"""How the page shows the emulator's chats: bot and user messages, files and live events as the page's JSON."""
from __future__ import annotations

from typing import Any

from bot.emulator import BotApiEmulator, BotMessage, Event


class ChatView:
    """Turns what the emulator holds into what the page's JavaScript draws."""

    def __init__(self, emu: BotApiEmulator) -> None:
        self.emu = emu

    def event(self, event: Event) -> dict[str, Any] | None:
        """One emulator event as a live update of the page; None for what the page does not show."""
        chat_id = event.chat_id
        if chat_id is None:
            return None
        base = {"seq": event.seq, "chat_id": chat_id}
        if event.kind in ("message", "edit"):
            message_id = event.data.get("message_id")
            current = next((m for m in self.emu.chat_messages(chat_id) if m.message_id == message_id), None)
            if current is None:
                return None
            keyboard = self.emu.user(chat_id).reply_keyboard
            return {**base, "type": event.kind, "message": self.bot_message(current), "keyboard": keyboard}
        if event.kind == "delete":
            return {**base, "type": "delete", "message_id": event.data.get("message_id")}
        if event.kind == "update" and "message" in event.data:
            return {**base, "type": "message", "message": self.user_message(event)}
        if event.kind == "callback_answer" and event.data.get("text"):
            return {**base, "type": "toast", "text": event.data["text"], "alert": event.data.get("show_alert")}
        if event.kind == "chat_action":
            return {**base, "type": "typing"}
        return None

    def _file(self, file_id: str | None, name: str | None = None, mime: str | None = None) -> dict[str, Any] | None:
        if not file_id:
            return None
        stored = self.emu.files.get(file_id)
        return {"id": file_id, "name": name or (stored.file_name if stored else None),
                "mime": mime or (stored.mime_type if stored else None),
                "size": len(stored.data) if stored else None}

    def bot_message(self, message: BotMessage) -> dict[str, Any]:
        buttons = [[{"text": b["text"], "data": b.get("callback_data"), "url": b.get("url")} for b in row]
                   for row in message.inline_keyboard]
        return {"id": message.message_id, "seq": message.seq, "from": "bot", "kind": message.kind,
                "text": message.text, "entities": message.entities, "buttons": buttons,
                "file": self._file(message.file_id, message.file_name, message.mime_type),
                "edited": message.edit_date is not None}

    def user_message(self, event: Event) -> dict[str, Any]:
        message = event.data["message"]
        kind, file = "text", None
        if message.get("photo"):
            kind, file = "photo", self._file(message["photo"][-1]["file_id"])
        elif message.get("document"):
            doc = message["document"]
            kind, file = "document", self._file(doc["file_id"], doc.get("file_name"), doc.get("mime_type"))
        return {"id": message["message_id"], "seq": event.seq, "from": "user", "kind": kind,
                "text": message.get("text") or message.get("caption") or "",
                "entities": message.get("entities") or message.get("caption_entities") or [], "buttons": [],
                "file": file, "edited": False}
